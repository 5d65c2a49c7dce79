"""Small helpers shared by tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def redhive(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 120,
            ) -> subprocess.CompletedProcess[str]:
    """Run `python -m redhive.cli` in a subprocess, as a user would run `redhive`."""
    full_env = {k: v for k, v in os.environ.items() if k != "REDHIVE_DATABASE_URL"}
    full_env.update({"REDHIVE_HOME": str(home), "COLUMNS": "200", **(env or {})})
    return subprocess.run([sys.executable, "-m", "redhive.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=home.parent)
