"""Which executor runs the jobs of a server (`REDHIVE_JOBS_EXECUTOR`, DESIGN §3: in-process by
default, `ray` for scale-out: `jobs.ray_executor`). An executor starts with the app and stops with
it; `off` runs none, for a web server whose jobs another process runs (they wait, queued, until
one does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.jobs.context import JobResources

__all__ = ["EXECUTORS", "Executor", "check_executor", "create_executor"]


class Executor(Protocol):
    async def start(self) -> None: ...

    async def aclose(self) -> None: ...


class _Off:
    async def start(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def _in_process(db: Database, resources: JobResources, lease_seconds: float, concurrency: int) -> Executor:
    from redhive.jobs.runner import JobRunner

    return JobRunner(db, resources, lease_seconds=lease_seconds, concurrency=concurrency)


def _ray(db: Database, resources: JobResources, lease_seconds: float, concurrency: int) -> Executor:
    from redhive.jobs.ray_executor import RayJobs

    return RayJobs(db, resources, lease_seconds, concurrency)


#: name -> factory(db, resources, lease seconds, concurrency). Another executor registers here.
EXECUTORS: dict[str, Callable[[Database, JobResources, float, int], Executor]] = {
    "in-process": _in_process,
    "ray": _ray,
    "off": lambda *_: _Off(),
}


def check_executor(name: str) -> Callable[[Database, JobResources, float, int], Executor]:
    factory = EXECUTORS.get(name)
    if factory is None:
        raise InvalidInput(f"REDHIVE_JOBS_EXECUTOR is '{name}', which is no job executor: use one of "
                           f"{', '.join(sorted(EXECUTORS))}.")
    if name == "ray":  # its extra missing: refused before serving, not when the first job waits
        from redhive.runs.ray_executor import require_ray

        require_ray()
    return factory


def create_executor(name: str, db: Database, resources: JobResources, *, lease_seconds: float,
                    concurrency: int) -> Executor:
    return check_executor(name)(db, resources, lease_seconds, concurrency)
