"""The real SQLite database behind the `database` environment, kept in step with the `State`.

The records stay in `State` (so snapshots, diffs, halts, replay and hashes work unchanged); each
episode's sandbox gets an in-memory SQLite database built from them (`setup`). Two directions:

* state -> database: `State.subscribe` calls `Mirror.write` after every write, roll-back step and
  load, so a roll-back (a tool error, a halting monitor, `sandbox.restore`) reaches the database;
  removing a `tables` record drops the SQL table, restoring it re-creates it;
* database -> state: triggers on every table call `rh_log(table, key)` for each row a
  statement inserts, updates or deletes; after the statement `Database.sync` copies only those rows
  back into the state (O(changed)), so the diff is what the statement really did.

An authorizer decides what a statement may do: reads only (`query_db`), or also INSERT, UPDATE,
DELETE and DROP TABLE on the shop's tables (`run_sql`); no schema changes otherwise, no PRAGMA,
ATTACH or transactions, so the database never drifts from the state.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from redhive.engine.agentic.environments.database.records import SQL_TABLES
from redhive.engine.agentic.state import State

__all__ = ["Database", "setup"]

_SQL_TYPES = {"str": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "INTEGER"}
_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}
_INTERNAL = {"sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"}
MAX_ROWS = 100


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def create_table_sql(table: str, cls: type) -> str:
    columns = []
    for f in dataclasses.fields(cls):
        column = f"{f.name} {_SQL_TYPES[str(f.type)]} NOT NULL"
        if f.name == "id":
            column += " PRIMARY KEY"
        elif f.default is not dataclasses.MISSING:
            column += f" DEFAULT {_literal(f.default)}"
        columns.append(column)
    return f"CREATE TABLE {table} ({', '.join(columns)}) STRICT"


def _trigger_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_ins AFTER INSERT ON {table} BEGIN SELECT rh_log('{table}', NEW.id); END",
        f"CREATE TRIGGER {table}_upd AFTER UPDATE ON {table} BEGIN "
        f"SELECT rh_log('{table}', OLD.id); SELECT rh_log('{table}', NEW.id); END",
        f"CREATE TRIGGER {table}_del AFTER DELETE ON {table} BEGIN SELECT rh_log('{table}', OLD.id); END",
    ]


def _create(conn: sqlite3.Connection, table: str, cls: type, rows: Iterable[Any]) -> None:
    """A table with its rows, then its change-log triggers."""
    columns = [f.name for f in dataclasses.fields(cls)]
    conn.execute(create_table_sql(table, cls))
    conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})",
                     [tuple(getattr(r, c) for c in columns) for r in rows])
    for sql in _trigger_sql(table):
        conn.execute(sql)


_TEMPLATES: dict[int, tuple[Any, sqlite3.Connection]] = {}
_TEMPLATE_LIMIT = 16


def _template(env: Any) -> sqlite3.Connection:
    """The database of an environment's seed state (slot defaults), built once per loaded
    environment; each episode copies it with the backup API (much cheaper than building)."""
    entry = _TEMPLATES.get(id(env))
    if entry is not None and entry[0] is env:
        return entry[1]
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for table in env.base.get("tables", {}):
        _create(conn, table, SQL_TABLES[table], env.base[table].values())
    while len(_TEMPLATES) >= _TEMPLATE_LIMIT:
        _TEMPLATES.pop(next(iter(_TEMPLATES)))[1].close()
    _TEMPLATES[id(env)] = (env, conn)
    return conn


class Database:
    """One episode's SQLite database (`sandbox.ctx.resources["db"]`)."""

    def __init__(self, state: State, template: sqlite3.Connection | None = None,
                 patch: Iterable[tuple[str, str]] = (), tables: Mapping[str, type] = SQL_TABLES) -> None:
        """A copy of `template` with the records `patch` names re-written from the state (the
        rows an injection filled), or else a database built from the state."""
        self.state = state
        self.types = dict(tables)
        self.columns = {t: [f.name for f in dataclasses.fields(c)] for t, c in self.types.items()}
        self.conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self.conn.create_function("rh_log", 2, self._log)
        self._logging = False
        self._syncing = False
        self._touched: dict[tuple[str, str], None] = {}
        # per statement, filled by the authorizer
        self._writable = False
        self.read_tables: set[str] = set()
        self.dropped: list[str] = []
        self.live: set[str] = set(state.view("tables"))
        if template is not None:
            template.backup(self.conn)
            for table, key in patch:
                self.write(table, key, state.view(table).get(key))
        else:
            for table in self.live:
                _create(self.conn, table, self.types[table], state.view(table).values())
        state.subscribe(self.write)

    # state -> database -------------------------------------------------------------------------

    def _insert_many(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(self.columns[table]))
        self.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def write(self, table: str, key: str, record: Any) -> None:
        """Mirror one state write (never logged as a change)."""
        if table == "tables":
            if record is None and key in self.live:
                self.conn.execute(f"DROP TABLE {key}")
                self.live.discard(key)
            elif record is not None and key not in self.live:
                _create(self.conn, key, self.types[key], ())
                self.live.add(key)
            return
        if table not in self.live or self._syncing:  # gone with its table, or already there
            return
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (key,))
        if record is not None:
            self._insert_many(table, [tuple(getattr(record, c) for c in self.columns[table])])

    # database -> state -------------------------------------------------------------------------

    def _log(self, table: str, key: str) -> None:
        if self._logging:
            self._touched[(table, key)] = None

    def _authorize(self, action: int, arg1: str | None, arg2: str | None, db: str | None,
                   trigger: str | None) -> int:
        if trigger is not None:  # our own change-log triggers
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and arg2 == "rh_log":
            return sqlite3.SQLITE_DENY
        if action in _READS:
            if action == sqlite3.SQLITE_READ and arg1 in self.live:
                self.read_tables.add(arg1)
            return sqlite3.SQLITE_OK
        if not self._writable:
            return sqlite3.SQLITE_DENY
        if action in _WRITES and arg1 in self.live:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_DROP_TABLE and arg1 in self.live:
            self.dropped.append(arg1)
            return sqlite3.SQLITE_OK
        if arg1 in _INTERNAL:  # SQLite's own bookkeeping of a DROP (it never lets a statement edit these)
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_DROP_TRIGGER and self.dropped:  # a dropped table's change log
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    def execute(self, query: str, *, writable: bool) -> tuple[list[dict[str, Any]] | None, int, bool]:
        """Run one statement under the authorizer: (rows, or None for a statement that returns
        none; rows changed; whether the rows were cut at MAX_ROWS). Raises
        `sqlite3.Error`; a failed statement changes nothing (SQLite undoes it)."""
        self._writable, self.read_tables, self.dropped = writable, set(), []
        self._touched.clear()
        self._logging = True
        before = self.conn.total_changes
        self.conn.set_authorizer(self._authorize)
        try:
            cursor = self.conn.execute(query)
            described = cursor.description
            fetched = cursor.fetchmany(MAX_ROWS + 1)
        finally:
            self.conn.set_authorizer(None)
            self._logging = False
        if described is None:
            return None, self.conn.total_changes - before, False
        names = [d[0] for d in described]
        rows = [dict(zip(names, r, strict=True)) for r in fetched[:MAX_ROWS]]
        return rows, self.conn.total_changes - before, len(fetched) > MAX_ROWS

    def sync(self) -> None:
        """Copy the rows the last statement touched (and the tables it dropped) into the state."""
        touched, self._touched = list(self._touched), {}
        self._syncing = True
        try:
            self._copy_back(touched)
        finally:
            self._syncing = False

    def _copy_back(self, touched: list[tuple[str, str]]) -> None:
        for table in self.dropped:
            self.live.discard(table)
            for key in list(self.state.view(table)):
                self.state.delete(table, key)
            self.state.delete("tables", table)
        for table, key in touched:
            if table not in self.live:
                continue
            row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (key,)).fetchone()
            current = self.state.view(table).get(key)
            if row is None:
                if current is not None:
                    self.state.delete(table, key)
                continue
            record = self._record(table, row)
            if record != current:
                self.state.put(table, key, record)

    def _record(self, table: str, row: tuple[Any, ...]) -> Any:
        cls = self.types[table]
        values = {f.name: bool(v) if str(f.type) == "bool" else v for f, v in zip(dataclasses.fields(cls), row,
                                                                                   strict=True)}
        return cls(**values)

    def close(self) -> None:
        self.conn.close()


def setup(sandbox: Any) -> None:
    """The kind's `setup`: attach this episode's database (the seed's, with its injections)."""
    env = sandbox.env
    filled = sorted({(t, k) for slot in sandbox.injections for t, k, _ in env.slot_locations.get(slot, ())})
    sandbox.ctx.resources["db"] = Database(sandbox.state, _template(env), filled)
