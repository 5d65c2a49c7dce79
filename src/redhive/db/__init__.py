"""Database: SQLAlchemy 2 models' base, engines and sessions, Alembic migrations."""

from redhive.db.base import Base
from redhive.db.session import Database, async_url, sync_url

__all__ = ["Base", "Database", "async_url", "sync_url"]
