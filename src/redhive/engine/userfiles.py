"""Reading the files people hand to redhive (suites, policies, environments and tasks, labelled
sets): the size is checked before a byte is read, and text that is not UTF-8 is one sentence
naming the line, never a traceback. A 99 MB suite once took four minutes and 4.6 GB of memory
before its validation failed; now it is refused at once.

The limit is `REDHIVE_MAX_INPUT_FILE_MB` (default 16), read from the environment on each call so
that the engine, used as a library, needs no settings object."""

from __future__ import annotations

import math
import os
from pathlib import Path

from redhive.errors import InvalidInput, SuiteFileError

__all__ = ["DEFAULT_LIMIT_MB", "LIMIT_VARIABLE", "limit_bytes", "read_text"]

LIMIT_VARIABLE = "REDHIVE_MAX_INPUT_FILE_MB"
DEFAULT_LIMIT_MB = 16.0


def limit_bytes() -> int:
    return int(_limit_mb() * _MB)


def _limit_mb() -> float:
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        raise InvalidInput(f"{LIMIT_VARIABLE}={raw!r} is not a size: set it to a number of megabytes, "
                           f"e.g. {LIMIT_VARIABLE}=64.")
    return megabytes


def read_text(path: Path) -> str:
    """The file's text; SuiteFileError (one sentence with the path) when it cannot be read, is over
    the limit, or is not UTF-8."""
    limit = limit_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_large(path, size)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file that grew, or a pipe, whose stat said nothing
    except OSError as exc:
        raise SuiteFileError(str(path), None, f"cannot read the file ({exc.strerror}).") from None
    if len(data) > limit:
        raise _too_large(path, len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SuiteFileError(str(path), line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
                             f"offset {exc.start}): save it with UTF-8 encoding.") from None


_MB = 2**20


def _too_large(path: Path, size: int) -> SuiteFileError:
    shown = f"{size / _MB:.1f} MB" if size >= _MB // 10 else f"{size / 1024:.1f} KB"
    return SuiteFileError(str(path), None, f"the file is {shown}, over the {_limit_mb():g} MB limit for suite, "
                          f"policy, environment and label files: split it, or raise the limit with "
                          f"{LIMIT_VARIABLE}={max(1, math.ceil(size / _MB))}.")
