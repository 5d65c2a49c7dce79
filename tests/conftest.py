"""Shared fixtures. Database tests run on SQLite always and on PostgreSQL when
REDHIVE_TEST_POSTGRES_URL is set (CI sets it; marker `postgres`)."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from redhive.db.session import Database

PG_URL = os.environ.get("REDHIVE_TEST_POSTGRES_URL", "")

# The platform's fixtures (app, client, platform builders): see tests/platform_fixtures.py.
pytest_plugins = ["tests.platform_fixtures"]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of trained models (the hazard classifier) for every session, servers included: it
    is keyed by the training data's hash and the library versions, so sharing it is safe."""
    folder = tmp_path_factory.getbasetemp().parent / "redhive-model-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def hazard_model(model_cache: Path) -> Path:
    """The shipped hazard classifier, trained (or loaded) before a server needs it: a server's first
    screened request would otherwise wait for the training."""
    from redhive.safeguards.labels import TRAIN
    from redhive.safeguards.tfidf import load_model

    load_model(TRAIN, model_cache)
    return model_cache


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    """No test touches the user's ~/.redhive or an inherited database URL."""
    monkeypatch.setenv("REDHIVE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REDHIVE_CACHE", str(model_cache))
    monkeypatch.delenv("REDHIVE_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test session."""
    if not PG_URL:
        pytest.skip("set REDHIVE_TEST_POSTGRES_URL to run the PostgreSQL tests")
    import psycopg
    from sqlalchemy import make_url

    name = f"redhive_test_{secrets.token_hex(4)}"
    admin = make_url(PG_URL).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("pg_database")
    return url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.ensure_schema()
    if not database.is_sqlite:  # one database per session: empty it for each test
        from sqlalchemy import text

        import redhive.models  # noqa: F401 - every table on Base.metadata
        from redhive.db.base import Base

        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with database.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} CASCADE"))
    try:
        yield database
    finally:
        await database.dispose()
