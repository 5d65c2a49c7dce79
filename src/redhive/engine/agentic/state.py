"""Environment state as data: named tables of immutable records (frozen dataclasses) keyed by id.

Every write goes through `State`, which keeps a journal of (table, key, before, after). That makes
the expensive things cheap:

* a snapshot is a journal position (O(1)); the diff since a snapshot and a rollback to it cost
  O(changes since), never a deep copy;
* tables are shared between episodes and copied on first write (copy-on-write per table);
* the state hash is a sum of per-record digests modulo 2**256, updated on every write, so hashing
  after each step costs O(changed records).

Diffs are structural: a record added or removed is one change at `table/key`; a record replaced is
one change per differing field at `table/key/field`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from redhive.engine.agentic.spec import Op

__all__ = ["Change", "State", "canonical_json", "record_digest", "structural_diff", "to_plain"]

_MOD = 1 << 256


@dataclass(slots=True, frozen=True)
class Change:
    """One structural difference. `record` (not serialised) is the record after the change, or
    before it when removed, as plain data, for rules that look at record content."""

    path: str
    op: Op
    before: Any = None
    after: Any = None
    record: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def table(self) -> str:
        return self.path.split("/", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "op": self.op, "before": self.before, "after": self.after}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(data["path"], data["op"], data.get("before"), data.get("after"))


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def to_plain(value: Any) -> Any:
    """JSON-ready data: dataclasses become dicts, tuples and sets lists.

    On the hot path (every step's hash): exact scalar, dict and list types are tested first and
    dataclass field names are cached per class; the result is the same as the general case."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    if cls is dict:
        return {str(k): to_plain(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [to_plain(v) for v in value]
    names = _FIELDS.get(cls)
    if names is None and cls is not type and dataclasses.is_dataclass(cls):
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_plain(v) for v in value)
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(to_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def record_digest(table: str, key: str, record: Any) -> int:
    text = f"{table}\x1f{key}\x1f{canonical_json(record)}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


class State:
    """Tables of records with a write journal; see the module docstring."""

    def __init__(self, tables: Mapping[str, dict[str, Any]],
                 digests: Mapping[str, dict[str, int]] | None = None) -> None:
        self._tables: dict[str, dict[str, Any]] = dict(tables)
        if digests is None:
            digests = {t: {k: record_digest(t, k, r) for k, r in rows.items()} for t, rows in tables.items()}
        self._digests: dict[str, dict[str, int]] = dict(digests)
        self._owned: set[str] = set()
        self._journal: list[tuple[str, str, Any, Any]] = []
        self._sum = sum(sum(d.values()) for d in self._digests.values()) % _MOD
        self._reads: set[tuple[str, str]] | None = None
        self._listeners: list[Callable[[str, str, Any], None]] = []

    # reading -----------------------------------------------------------------------------------

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(self._tables)

    def get(self, table: str, key: str) -> Any | None:
        """The record, or None. Reads are noted while a tool runs (for injection-slot tracking)."""
        if self._reads is not None:
            self._reads.add((table, key))
        return self._table(table).get(key)

    def rows(self, table: str) -> list[Any]:
        """Every record of a table, in insertion order."""
        if self._reads is not None:
            self._reads.add((table, "*"))
        return list(self._table(table).values())

    def view(self, table: str) -> Mapping[str, Any]:
        """A read-only view of a table (not noted as a read; for checks and monitors)."""
        return MappingProxyType(self._table(table))

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        if self._reads is not None:
            self._reads.add((table, "*"))
        return iter(list(self._table(table).items()))

    def __contains__(self, item: tuple[str, str]) -> bool:
        table, key = item
        return key in self._table(table)

    # writing -----------------------------------------------------------------------------------

    def put(self, table: str, key: str, record: Any) -> None:
        """Insert or replace a record."""
        rows = self._writable(table)
        before = rows.get(key)
        rows[key] = record
        self._account(table, key, before, record)

    def update(self, table: str, key: str, **changes: Any) -> Any:
        """Replace some fields of an existing record; returns the new record."""
        current = self._table(table).get(key)
        if current is None:
            raise KeyError(f"no record '{key}' in table '{table}'")
        new = dataclasses.replace(current, **changes)
        self.put(table, key, new)
        return new

    def delete(self, table: str, key: str) -> Any:
        rows = self._writable(table)
        before = rows.pop(key)
        self._account(table, key, before, None)
        return before

    def load(self, table: str, key: str, record: Any) -> None:
        """Write without journaling (used by reset to fill injection slots): not a change."""
        rows = self._writable(table)
        self._unaccount(table, key, rows.get(key))
        rows[key] = record
        d = self._digests[table][key] = record_digest(table, key, record)
        self._sum = (self._sum + d) % _MOD
        self._notify(table, key, record)

    def subscribe(self, listener: Callable[[str, str, Any], None]) -> None:
        """Call `listener(table, key, record_or_None)` after every write, roll-back step and load:
        the hook that keeps an external mirror (an SQLite database, say) in step with the state."""
        self._listeners.append(listener)

    def _notify(self, table: str, key: str, record: Any) -> None:
        for listener in self._listeners:
            listener(table, key, record)

    # snapshots, diffs, hashes -----------------------------------------------------------------

    def mark(self) -> int:
        """A snapshot: the journal position. O(1)."""
        return len(self._journal)

    def changes_since(self, mark: int = 0) -> list[Change]:
        """The structural diff between the snapshot `mark` and now. O(changes since)."""
        first: dict[tuple[str, str], Any] = {}
        last: dict[tuple[str, str], Any] = {}
        for table, key, before, after in self._journal[mark:]:
            first.setdefault((table, key), before)
            last[(table, key)] = after
        out: list[Change] = []
        for (table, key), before in first.items():
            out.extend(diff_records(table, key, before, last[(table, key)]))
        return out

    def rollback(self, mark: int) -> None:
        """Undo every write after `mark`."""
        while len(self._journal) > mark:
            table, key, before, after = self._journal.pop()
            rows = self._writable(table)
            self._unaccount(table, key, after)
            if before is None:
                rows.pop(key, None)
            else:
                rows[key] = before
                self._digests[table][key] = record_digest(table, key, before)
                self._sum = (self._sum + self._digests[table][key]) % _MOD
            self._notify(table, key, before)

    @property
    def digest(self) -> str:
        """Hash of every record (order-independent)."""
        return f"{self._sum:064x}"

    def export(self) -> dict[str, dict[str, Any]]:
        """The whole state as plain data (O(state); for export and debugging)."""
        return {t: {k: to_plain(r) for k, r in rows.items()} for t, rows in self._tables.items()}

    def start_reads(self) -> None:
        self._reads = set()

    def stop_reads(self) -> set[tuple[str, str]]:
        reads, self._reads = self._reads or set(), None
        return reads

    # internals ---------------------------------------------------------------------------------

    def _table(self, table: str) -> dict[str, Any]:
        try:
            return self._tables[table]
        except KeyError:
            raise KeyError(f"no table '{table}' (tables: {', '.join(self._tables)})") from None

    def _writable(self, table: str) -> dict[str, Any]:
        rows = self._table(table)
        if table not in self._owned:
            rows = self._tables[table] = dict(rows)
            self._digests[table] = dict(self._digests.get(table, {}))
            self._owned.add(table)
        return rows

    def _account(self, table: str, key: str, before: Any, after: Any) -> None:
        self._journal.append((table, key, before, after))
        self._unaccount(table, key, before)
        if after is not None:
            d = self._digests[table][key] = record_digest(table, key, after)
            self._sum = (self._sum + d) % _MOD
        self._notify(table, key, after)

    def _unaccount(self, table: str, key: str, record: Any) -> None:
        if record is not None:
            d = self._digests[table].pop(key)
            self._sum = (self._sum - d) % _MOD


def diff_records(table: str, key: str, before: Any, after: Any) -> list[Change]:
    path = f"{table}/{key}"
    if before is None and after is None:
        return []
    if before is None:
        plain = to_plain(after)
        return [Change(path, "added", None, plain, plain)]
    if after is None:
        plain = to_plain(before)
        return [Change(path, "removed", plain, None, plain)]
    if before == after:
        return []
    old, new = to_plain(before), to_plain(after)
    return [
        Change(f"{path}/{name}", "changed", old.get(name), new.get(name), new)
        for name in new
        if old.get(name) != new.get(name)
    ]


def structural_diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Diff of two plain-data trees (for example two `State.export()`s): mappings recurse, any
    other value that differs is one change."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        out: list[Change] = []
        for k in list(before) + [k for k in after if k not in before]:
            sub = f"{path}/{k}" if path else str(k)
            if k not in after:
                out.append(Change(sub, "removed", before[k], None))
            elif k not in before:
                out.append(Change(sub, "added", None, after[k]))
            else:
                out.extend(structural_diff(before[k], after[k], sub))
        return out
    if before == after:
        return []
    return [Change(path, "changed", before, after)]
