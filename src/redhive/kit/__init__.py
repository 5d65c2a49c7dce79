"""Domain-free helpers."""

from redhive.kit.clock import utcnow
from redhive.kit.ids import new_run_id

__all__ = ["new_run_id", "utcnow"]
