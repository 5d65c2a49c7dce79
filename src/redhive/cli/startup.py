"""The garbage collector during a command line's start-up.

Start-up allocates some 10^5 objects that live as long as the process (modules, classes, typer's
and pydantic's schemas). At the collector's default gen-0 threshold (700 allocations) it walked
them ~130 times before a scan's first request: 60 ms of 0.6 s on 2 cores. While the command line
loads, collections wait for 50,000 allocations; when its work starts (`common.run`), what start-up
made is frozen, as the server does after its own (`app.py`), so collections no longer walk it, and
the threshold is the default again. Both happen once per process.
"""

from __future__ import annotations

import gc

__all__ = ["begin", "end"]

_THRESHOLD = 50_000
_default: tuple[int, int, int] | None = None


def begin() -> None:
    global _default
    if _default is None:
        _default = gc.get_threshold()
        gc.set_threshold(_THRESHOLD, *_default[1:])


def end() -> None:
    global _default
    if _default is not None:
        gc.freeze()
        gc.set_threshold(*_default)
        _default = None
