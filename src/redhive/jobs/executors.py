"""Which executor runs the jobs of a server (`REDHIVE_JOBS_EXECUTOR`, DESIGN §3: in-process by
default, Ray for scale-out). An executor starts with the app and stops with it; `off` runs none,
for a web server whose jobs another process runs (they wait, queued, until one does)."""

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


#: name -> factory(db, resources, lease seconds, concurrency). Another executor registers here.
EXECUTORS: dict[str, Callable[[Database, JobResources, float, int], Executor]] = {
    "in-process": _in_process,
    "off": lambda *_: _Off(),
}


def check_executor(name: str) -> Callable[[Database, JobResources, float, int], Executor]:
    factory = EXECUTORS.get(name)
    if factory is None:
        raise InvalidInput(f"REDHIVE_JOBS_EXECUTOR is '{name}', which is no job executor: use one of "
                           f"{', '.join(sorted(EXECUTORS))}.")
    return factory


def create_executor(name: str, db: Database, resources: JobResources, *, lease_seconds: float,
                    concurrency: int) -> Executor:
    return check_executor(name)(db, resources, lease_seconds, concurrency)
