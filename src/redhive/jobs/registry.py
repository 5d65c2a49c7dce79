"""Job handlers by name. A domain registers its handlers in its `tasks.py`:

    @job("findings.retest")
    async def retest(ctx: JobContext) -> dict[str, Any]: ...

and lists that module in TASK_MODULES, which the runner imports before it claims anything (a
handler must be known wherever a job may run, not only where it was enqueued)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redhive.jobs.context import JobContext

__all__ = ["HANDLERS", "SUMMARIES", "TASK_MODULES", "Handler", "handler", "job", "load_handlers", "summary"]

#: A handler returns the job's result (JSON), or None.
Handler = Callable[["JobContext"], Awaitable["dict[str, Any] | None"]]

HANDLERS: dict[str, Handler] = {}
#: kind -> one sentence from a job's result, for people (the job's page, the CLI).
SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {}

#: Every module that registers handlers; importing them is what fills HANDLERS.
TASK_MODULES = ("redhive.findings.tasks", "redhive.reports.tasks")


def job(name: str, *, summary: Callable[[dict[str, Any]], str] | None = None) -> Callable[[Handler], Handler]:
    """Register `fn` as the handler of jobs of kind `name` ("domain.verb"); `summary` says its result
    in one sentence."""
    if "." not in name:
        raise ValueError(f"a job's name is 'domain.verb', not {name!r}")

    def register(fn: Handler) -> Handler:
        if HANDLERS.get(name, fn) is not fn:
            raise ValueError(f"two handlers for the job {name!r}")
        HANDLERS[name] = fn
        if summary is not None:
            SUMMARIES[name] = summary
        return fn

    return register


def load_handlers() -> dict[str, Handler]:
    for module in TASK_MODULES:
        importlib.import_module(module)
    return HANDLERS


def handler(name: str) -> Handler | None:
    return load_handlers().get(name)


def summary(kind: str, result: dict[str, Any] | None) -> str:
    """The result in one sentence ("" when the job has none or its kind says nothing)."""
    say = load_handlers() and SUMMARIES.get(kind)
    if not result or not say:
        return ""
    try:
        return say(result)
    except (KeyError, TypeError, ValueError):  # a result stored by an older version of the handler
        return ""
