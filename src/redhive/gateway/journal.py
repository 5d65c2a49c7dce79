"""The recorder's journal: each exchange is written to a local file before its answer leaves, and
committed to the hash chain just after, off the response path.

A journal line is on the operating system's side of the process once `write` returns, so a server
that crashes or is killed loses nothing: the next start replays what its journal holds and the
database lacks (by exchange id). That is the durability a SQLite commit had here (WAL with
synchronous=NORMAL: no fsync per commit either); a power cut can lose the last moments of both.

Files of a few MiB per server process, locked while it lives (flock): a starting server replays
only the journals of processes that are gone, never a running neighbour's. A file is removed once
it is full and everything in it is committed, and the last one at a clean shutdown.
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

__all__ = ["Journal", "Segment"]

_SEGMENT_BYTES = 4 << 20  # a journal file past this size is closed for writing and a new one begun


class Segment:
    """One journal file: removed once every exchange written to it is committed and it is full."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"{os.getpid()}-{new_id()}.jsonl"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if fcntl is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.size = self.unsaved = 0
        self.full = self.failed = False

    def close(self) -> None:
        os.close(self.fd)
        if self.unsaved == 0 and not self.failed:
            self.path.unlink(missing_ok=True)


class Journal:
    """This process's journal: a run of segments, so that it never grows while the server is busy
    (a segment goes once it is full and committed, whether or not later ones are)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._open: list[Segment] = []
        self._current = self._begin()

    @property
    def paths(self) -> list[Path]:
        return [segment.path for segment in self._open]

    def write(self, draft: dict[str, Any]) -> Segment:
        """Write one exchange; returns its segment, to pass to `committed` once it is in the database."""
        line = json.dumps(draft, default=_iso, separators=(",", ":")).encode() + b"\n"
        segment = self._current
        os.write(segment.fd, line)  # one write of one line, O_APPEND: a crash leaves at most a torn last line
        segment.size += len(line)
        segment.unsaved += 1
        if segment.size >= _SEGMENT_BYTES:
            segment.full = True
            self._current = self._begin()
        return segment

    def committed(self, segment: Segment, *, ok: bool) -> None:
        """An exchange written to `segment` is in the database (ok) or could not be put there."""
        segment.unsaved -= 1
        segment.failed = segment.failed or not ok  # a failed segment is kept for the next start
        if segment.full and segment.unsaved == 0:
            segment.close()
            self._open.remove(segment)

    def close(self) -> None:
        for segment in self._open:
            segment.close()
        self._open = []

    def orphans(self) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
        """(file, drafts in order) for each journal file in the folder whose process is gone."""
        mine = set(self.paths)
        for path in sorted(self.folder.glob("*.jsonl")):
            if path in mine:
                continue
            drafts = _read_if_orphaned(path)
            if drafts is not None:
                yield path, drafts

    def _begin(self) -> Segment:
        segment = Segment(self.folder)
        self._open.append(segment)
        return segment


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
