"""The schema is built by Alembic, and the code's idea of the head revision matches the folder."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from redhive.db.session import HEAD_REVISION, MIGRATIONS, Database


def test_head_revision_constant_matches_migrations() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


async def test_upgrade_builds_every_table_and_is_idempotent(db_url: str) -> None:
    db = Database(db_url)
    try:
        await db.ensure_schema()
        await db.ensure_schema()  # second call: already at head, nothing to do
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"runs", "attempts", "alembic_version"} <= tables
    finally:
        await db.dispose()


def test_models_match_migrations(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Alembic's autogenerate finds nothing to add: models and migrations agree."""
    import asyncio

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import redhive.models  # noqa: F401
    from redhive.db.base import Base

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")

    async def diff() -> list[object]:
        await db.ensure_schema()
        async with db.engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )

    try:
        assert asyncio.run(diff()) == []
    finally:
        asyncio.run(db.dispose())
