"""Engines, sessions and migrations for one database URL (SQLite by default, PostgreSQL tested).

Users give plain URLs (`sqlite:///file.db`, `postgresql://host/db`); the async driver
(aiosqlite, psycopg 3) and the sync one used by Alembic are chosen here.

SQLAlchemy is imported when a database is first used, not with this module: a new scan's first
requests go out before it is loaded (`runs.scan.execute`, bench/startup.py).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redhive.errors import DatabaseError, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

__all__ = ["HEAD_REVISION", "Database", "async_url", "describe_db_error", "sync_url"]

#: The newest Alembic revision; a test checks it matches the migrations folder.
HEAD_REVISION = "0019_one_run_store"

MIGRATIONS = Path(__file__).parent / "migrations"


def _parse(url: str) -> URL:
    from sqlalchemy import make_url

    try:
        return make_url(url)
    except Exception:
        raise InvalidInput(
            f"REDHIVE_DATABASE_URL '{url}' is not a database URL; use sqlite:///path/to/file.db "
            "or postgresql://user@host/dbname."
        ) from None


def async_url(url: str) -> URL:
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise InvalidInput(f"Database '{backend}' is not supported: use SQLite or PostgreSQL.")


def sync_url(url: str) -> URL:
    parsed = async_url(url)
    return parsed.set(drivername="sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg")


def describe_db_error(exc: BaseException, url: str) -> DatabaseError:
    """One sentence for the database failures users meet: unwritable, locked, unreachable."""
    shown = _parse(url).render_as_string(hide_password=True)
    message = str(getattr(exc, "orig", exc)).lower()
    if "locked" in message or "busy" in message:
        return DatabaseError(
            f"The database {shown} is locked by another process: wait for it to finish, "
            "or point REDHIVE_DATABASE_URL at another database."
        )
    if "readonly" in message or "read-only" in message or "unable to open" in message \
            or "permission denied" in message:
        return DatabaseError(
            f"The database {shown} cannot be written (check the file and folder permissions), "
            "or set REDHIVE_DATABASE_URL to a writable location."
        )
    if "connection" in message or "connect" in message:
        return DatabaseError(
            f"Cannot connect to the database {shown}: check that the server runs and the URL is right."
        )
    return DatabaseError(f"The database {shown} failed: {str(getattr(exc, 'orig', exc)).strip()}.")


class Database:
    """An async engine + session factory for one URL; `ensure_schema()` migrates to head.

    The engine is made on first use. `Database.configured()` is the database the settings name,
    read then too."""

    def __init__(self, url: str | Callable[[], tuple[str, float]], *, busy_timeout: float = 10.0) -> None:
        """`url`: the database's URL, or a function that gives it and the busy timeout when first needed."""
        self._config = url if callable(url) else (lambda: (url, busy_timeout))

    @classmethod
    def configured(cls) -> Database:
        """The database of the settings (REDHIVE_DATABASE_URL, or the one in REDHIVE_HOME)."""

        def read() -> tuple[str, float]:
            from redhive.settings import Settings

            settings = Settings()
            return settings.resolved_database_url(), settings.db_busy_timeout

        return cls(read)

    @functools.cached_property
    def _resolved(self) -> tuple[str, float]:
        return self._config()

    @property
    def url(self) -> str:
        return self._resolved[0]

    @property
    def busy_timeout(self) -> float:
        return self._resolved[1]

    @functools.cached_property
    def is_sqlite(self) -> bool:
        return async_url(self.url).get_backend_name() == "sqlite"

    @functools.cached_property
    def engine(self) -> AsyncEngine:
        from sqlalchemy import event
        from sqlalchemy.ext.asyncio import create_async_engine

        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": self.busy_timeout}
        engine = create_async_engine(async_url(self.url), **kwargs)
        if self.is_sqlite:
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine

    @functools.cached_property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        return async_sessionmaker(self.engine, expire_on_commit=False)

    def insert(self, table: Any) -> Any:
        """The dialect's INSERT of `table` (it has `on_conflict_do_nothing`); the other dialect's
        module is never imported."""
        if self.is_sqlite:
            from sqlalchemy.dialects import sqlite

            return sqlite.insert(table)
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction scope: commits on success, rolls back on error (the CLI's session scope)."""
        from redhive.db.hooks import settle

        errors = _errors()
        try:
            async with self.sessions() as session:
                try:
                    async with session.begin():
                        yield session
                except BaseException:
                    await settle(self.sessions, session, committed=False)
                    raise
                await settle(self.sessions, session, committed=True)
        except errors as exc:
            raise describe_db_error(exc, self.url) from None

    async def revision(self) -> str | None:
        """The schema's Alembic revision (None before the first migration); a database that does
        not answer raises DatabaseError."""
        try:
            async with self.engine.connect() as conn:
                revision: str | None = await conn.run_sync(_current_revision)
                return revision
        except _errors() as exc:
            raise describe_db_error(exc, self.url) from None

    async def ensure_schema(self) -> None:
        """Create or upgrade the schema with Alembic unless it is already at head."""
        if self.is_sqlite:
            self._prepare_sqlite_file()
        try:
            async with self.engine.connect() as conn:
                current = await conn.run_sync(_current_revision)
            if current == HEAD_REVISION:
                return
            if current is not None and not _known(current):
                from redhive import __version__

                shown = _parse(self.url).render_as_string(hide_password=True)
                raise DatabaseError(
                    f"The database {shown} is at schema revision {current}, which redhive "
                    f"{__version__} does not know (a newer redhive made it): upgrade redhive, or point "
                    "REDHIVE_DATABASE_URL (or REDHIVE_HOME) at another database.")
            async with self.engine.begin() as conn:
                await conn.run_sync(_upgrade)
        except _errors() as exc:
            raise describe_db_error(exc, self.url) from None

    def _prepare_sqlite_file(self) -> None:
        database = async_url(self.url).database
        if not database or database == ":memory:":
            return
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the folder {folder} for the database ({exc.strerror}): "
                "set REDHIVE_HOME or REDHIVE_DATABASE_URL to a writable location."
            ) from None

    async def dispose(self) -> None:
        if "engine" in self.__dict__:  # made: a database never used has nothing to release
            await self.engine.dispose()


def _errors() -> tuple[type[BaseException], ...]:
    """The failures a database raises, as `describe_db_error` words them."""
    from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

    return OperationalError, ProgrammingError, DBAPIError, sqlite3.Error


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _current_revision(conn: Any) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def _known(revision: str) -> bool:
    """Whether the migrations folder has this revision (an unknown one cannot be upgraded from)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except CommandError:
        return False


def _upgrade(conn: Any) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
