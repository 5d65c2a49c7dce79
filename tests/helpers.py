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


#: Only a safety net against a job that hangs: tests wait on its status, however long a loaded
#: machine makes it take.
JOB_HUNG = 300


async def finished_job(client: object, started: object, *, hung: float = JOB_HUNG) -> dict[str, object]:
    """The job a 202 answer started, once it ended (polling its Location; the app's runner works
    while this waits)."""
    import asyncio
    import time

    assert getattr(started, "status_code", None) == 202, getattr(started, "text", started)
    location = started.headers["location"]  # type: ignore[attr-defined]
    deadline = time.monotonic() + hung
    while True:
        job: dict[str, object] = (await client.get(location)).json()  # type: ignore[attr-defined]
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, f"the job did not end within {hung} s: {job}"
        await asyncio.sleep(0.05)
