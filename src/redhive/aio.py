"""The event loop redhive's commands run on: uvloop where it is installed, asyncio's own otherwise.

uvloop (libuv) roughly halves the event loop's own cost per request and keeps timers and socket
reads prompt under load, which is what holds 256 requests in flight at their latency rather than
at their latency plus the loop's lag (bench/README.md). `REDHIVE_EVENT_LOOP=asyncio` chooses the
standard loop (to rule uvloop out when debugging); Windows has no uvloop and always gets it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["loop_factory", "loop_name", "run"]

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory, or None for asyncio's default loop."""
    if os.environ.get("REDHIVE_EVENT_LOOP", "auto").lower() == "asyncio":
        return None
    if importlib.util.find_spec("uvloop") is None:
        return None
    import uvloop

    return uvloop.new_event_loop


def loop_name() -> str:
    """'uvloop' or 'asyncio': the loop `run` uses (benchmarks record it)."""
    return "asyncio" if loop_factory() is None else "uvloop"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)
