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


def test_agent_runs_move_into_the_one_run_store_and_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """0019: a recorded agent run and its episode survive the move into `runs`/`episodes`, and the
    downgrade puts them back where they were."""
    from alembic import command
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))

    def migrate(step: str, revision: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, step)(cfg, revision)

    migrate("upgrade", "0017_signoff")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO agent_runs VALUES ('ar1', '2026-12-01 10:00:00', NULL, 'completed', '{}', "
                          "2, NULL, '0.1')"))
        conn.execute(text("INSERT INTO runs (id, created_at, status, config, plan_size, redhive_version) VALUES "
                          "('pr1', '2026-12-01 09:00:00', 'completed', '{}', 5, '0.1')"))
        conn.execute(text("INSERT INTO agent_episodes VALUES ('ar1', 'flag', 'ep1', 0, 'workspace', 't1', NULL, NULL, "
                          "'sim:agent-naive', 0, 'completed', 1, NULL, 3, 12.5, '{}', '{\"id\": \"ep1\"}', 'seal', "
                          "'2026-12-01 10:00:01')"))
    migrate("upgrade", "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, kind, plan_size FROM runs ORDER BY id")).all() == [
            ("ar1", "agent", 2), ("pr1", "probe", 5)]
        assert conn.execute(text("SELECT run_id, id, steps, trace FROM episodes")).all() == [
            ("ar1", "ep1", 3, '{"id": "ep1"}')]
    migrate("downgrade", "0017_signoff")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM runs")).scalars().all() == ["pr1"]
        assert conn.execute(text("SELECT id, plan_size FROM agent_runs")).all() == [("ar1", 2)]
        assert conn.execute(text("SELECT run_id, id FROM agent_episodes")).all() == [("ar1", "ep1")]
    engine.dispose()


async def test_a_database_from_a_newer_redhive_is_refused_in_one_sentence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A schema revision this redhive does not know cannot be upgraded from: one sentence, nothing written."""
    from sqlalchemy import text

    from redhive.errors import DatabaseError

    db = Database(f"sqlite:///{tmp_path / 'newer.db'}")
    try:
        await db.ensure_schema()
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
        try:
            await db.ensure_schema()
        except DatabaseError as exc:
            assert "schema revision 0099_from_the_future, which redhive" in exc.message
            assert "upgrade redhive" in exc.message
        else:
            raise AssertionError("an unknown revision was accepted")
        assert await db.revision() == "0099_from_the_future"
    finally:
        await db.dispose()
