"""Settings from the environment (prefix REDHIVE_); built where needed, never at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


def _default_home() -> Path:
    return Path.home() / ".redhive"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDHIVE_", extra="ignore")

    #: Where the default SQLite database and other local state live.
    home: Path = Field(default_factory=_default_home)
    #: SQLAlchemy URL; empty means the SQLite file `<home>/redhive.db`.
    database_url: str = ""
    #: Seconds a SQLite writer waits for another process's lock before giving up.
    db_busy_timeout: float = 10.0

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'redhive.db'}"
