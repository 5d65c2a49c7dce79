"""Alembic environment: runs on the connection redhive hands over (Database.ensure_schema), or on
REDHIVE_DATABASE_URL when called from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import redhive.models  # noqa: F401 - registers every table on Base.metadata
from redhive.db.base import Base
from redhive.db.session import sync_url
from redhive.settings import Settings

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(sync_url(Settings().resolved_database_url()))
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
