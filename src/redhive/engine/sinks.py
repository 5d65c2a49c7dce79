"""Sinks that need no database: in memory (tests, library use) and a JSONL file (CI artefacts)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from redhive.engine.records import AttemptRecord

__all__ = ["JsonlSink", "MemorySink"]


class MemorySink:
    def __init__(self) -> None:
        self.records: dict[str, AttemptRecord] = {}

    async def existing(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i in self.records}

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        for record in records:
            self.records.setdefault(record.id, record)


class JsonlSink:
    """Appends one JSON object per attempt; reading the file back on start gives resume."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ids: set[str] = set()
        if path.exists():
            good = 0  # bytes up to the end of the last complete line
            with path.open("rb") as handle:
                for line in handle:
                    if not line.endswith(b"\n"):
                        break  # a line torn by a crash: cut it off, its attempt runs again
                    good += len(line)
                    try:
                        self._ids.add(json.loads(line)["id"])
                    except (ValueError, KeyError):
                        continue
            if good < path.stat().st_size:
                with path.open("r+b") as handle:
                    handle.truncate(good)

    async def existing(self, ids: Sequence[str]) -> set[str]:
        return {i for i in ids if i in self._ids}

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        fresh = [r for r in records if r.id not in self._ids]
        with self.path.open("a", encoding="utf-8") as handle:
            handle.writelines(json.dumps(_line(r)) + "\n" for r in fresh)
        self._ids.update(r.id for r in fresh)


def _line(record: AttemptRecord) -> dict[str, object]:
    row = record.as_dict()
    if record.turns:
        row["turns"] = [t.as_dict() for t in record.turns]
    return row
