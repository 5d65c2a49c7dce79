"""The recorder's journal: each exchange is written to a local file before its answer leaves, and
committed to the hash chain just after, off the response path.

A journal line is on the operating system's side of the process once `write` returns, so a server
that crashes or is killed loses nothing: the next start replays what its journal holds and the
database lacks (by exchange id). That is the durability a SQLite commit had here (WAL with
synchronous=NORMAL: no fsync per commit either); a power cut can lose the last moments of both.

One file per server process, locked while it lives (flock): a starting server replays only the
journals of processes that are gone, never a running neighbour's. A journal is emptied whenever
everything in it is committed, and removed at a clean shutdown.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from redhive.kit import new_id

try:
    import fcntl
except ImportError:  # Windows: one server process per home is assumed
    fcntl = None  # type: ignore[assignment]

__all__ = ["Journal"]

_KEEP_BYTES = 1 << 20  # a fully committed journal is emptied once it is this large


class Journal:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / f"{os.getpid()}-{new_id()}.jsonl"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._size = 0

    def write(self, draft: dict[str, Any]) -> None:
        line = json.dumps(draft, default=_iso, separators=(",", ":")).encode() + b"\n"
        os.write(self._fd, line)  # one write of one line, O_APPEND: a crash leaves at most a torn last line
        self._size += len(line)

    def committed(self) -> None:
        """Everything written so far is in the database."""
        if self._size >= _KEEP_BYTES:
            os.ftruncate(self._fd, 0)
            self._size = 0

    def close(self, *, committed: bool) -> None:
        os.close(self._fd)
        if committed:
            self.path.unlink(missing_ok=True)

    def orphans(self) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
        """(file, drafts in order) for each journal in the folder whose process is gone."""
        for path in sorted(self.folder.glob("*.jsonl")):
            if path == self.path:
                continue
            drafts = _read_if_orphaned(path)
            if drafts is not None:
                yield path, drafts


def _read_if_orphaned(path: Path) -> list[dict[str, Any]] | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # replayed by another starting server meanwhile
        return None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # its server is running
                return None
        with os.fdopen(os.dup(fd), "rb") as file:
            return [draft for line in file if (draft := _draft(line)) is not None]
    finally:
        os.close(fd)


def _draft(line: bytes) -> dict[str, Any] | None:
    try:
        draft: dict[str, Any] = json.loads(line)
    except ValueError:  # the torn last line of a crash: its request never got an answer
        return None
    draft["started_at"] = datetime.fromisoformat(draft["started_at"])
    return draft


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
