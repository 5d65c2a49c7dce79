from __future__ import annotations

import secrets

from redhive.kit.clock import utcnow


def new_run_id() -> str:
    """Sortable and readable: `20261123-091502-3f9a1c`."""
    return f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def new_id() -> str:
    """A random 32-character hex id for platform objects (users, organisations, systems…)."""
    return secrets.token_hex(16)
