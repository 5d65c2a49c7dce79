"""Settings from the environment (prefix REDHIVE_); built where needed, never at import time."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from redhive.errors import InvalidInput

if TYPE_CHECKING:
    from redhive.auth.throttle import LoginLimits

__all__ = ["Settings"]

#: Values people paste from examples; refused as a secret key outside dev mode.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development", "test",
                                 "insecure", "please-change-me", "your-secret-key", "xxx"})
MIN_SECRET_LENGTH = 32


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
    #: Seconds the gateway waits for each read from a system version's upstream model (504 after).
    gateway_upstream_timeout: float = 60.0
    #: The hazard classifier the gateway screens every exchange with (redhive.safeguards.screening):
    #: builtin, builtin:TRAIN.jsonl, judge:TARGET or a plugin's name.
    hazard_classifier: str = "builtin"
    #: Where trained models are cached; empty: `<home>/cache`.
    cache: Path | None = None
    #: Seconds one gateway call may take in all, however steadily the upstream trickles (504, or a
    #: stream cut with an error event).
    gateway_call_deadline: float = Field(default=300.0, gt=0)
    #: The largest request body the gateway reads (413 beyond it, before the rest is read).
    gateway_max_request_bytes: int = Field(default=8 * 2**20, gt=0)
    #: The largest answer the gateway takes from an upstream, streamed or not (502 or a cut stream).
    gateway_max_response_bytes: int = Field(default=16 * 2**20, gt=0)
    #: The Ed25519 key that signs transcript chain heads (PEM); empty: `<home>/transcript-signing-key.pem`,
    #: created on first start with mode 0600. Never stored in the database.
    transcript_signing_key: Path | None = None
    #: Seconds between a mission's signed checkpoints (0: every commit).
    transcript_checkpoint_interval: float = Field(default=60.0, ge=0)
    #: Who runs the jobs (replays, re-tests, report builds) of this server: `in-process` (on the
    #: server's event loop) or `off` (another process runs them); redhive.jobs.executors.
    jobs_executor: str = "in-process"
    #: Seconds a worker holds a job between heartbeats; a job whose worker died is run again once
    #: its lease lapsed.
    jobs_lease_seconds: float = Field(default=60.0, ge=1)
    #: Jobs one server runs at a time.
    jobs_concurrency: int = Field(default=2, ge=1, le=64)
    #: When set, `/metrics` answers only `Authorization: Bearer <this token>` (Prometheus's
    #: `authorization` setting); empty: open, as the labels name no mission, model or key.
    metrics_token: str = Field(default="", repr=False)
    #: `dev` or `production`; empty: dev on the embedded SQLite database, production otherwise.
    env: Literal["", "dev", "production"] = ""
    #: Signs sessions and derives the key that encrypts upstream credentials at rest. Outside dev it
    #: must be set to a random string of at least 32 characters; in dev one is generated and kept
    #: in `<home>/secret_key`.
    secret_key: str = ""
    session_cookie_name: str = "redhive_session"
    #: Seconds a web session lives after login.
    session_max_age: int = 14 * 24 * 3600
    #: Send the session cookie only over HTTPS; empty means: yes outside dev mode.
    session_cookie_secure: bool | None = None
    #: Failed logins (wrong password or code) before 429, per account and per client address, within
    #: `login_failure_window` seconds (a sliding window).
    login_max_failures_per_account: int = Field(default=10, ge=1)
    login_max_failures_per_address: int = Field(default=50, ge=1)
    login_failure_window: int = Field(default=900, ge=1)
    #: Platform admins act as admins only once they turned on a second factor (TOTP); empty means:
    #: yes outside dev mode.
    admin_second_factor: bool | None = None

    #: SMTP server for e-mail copies of notifications; empty: in-app notifications only.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "redhive <noreply@localhost>"
    #: The address people reach the platform at, for links in e-mails (e.g. https://redhive.example.org).
    public_url: str = ""

    def resolved_cache(self) -> Path:
        return self.cache or self.home / "cache"

    def resolved_signing_key(self) -> Path:
        return self.transcript_signing_key or self.home / "transcript-signing-key.pem"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'redhive.db'}"

    @property
    def is_dev(self) -> bool:
        if self.env:
            return self.env == "dev"
        return not self.database_url

    @property
    def cookie_secure(self) -> bool:
        return (not self.is_dev) if self.session_cookie_secure is None else self.session_cookie_secure

    @property
    def requires_admin_second_factor(self) -> bool:
        return (not self.is_dev) if self.admin_second_factor is None else self.admin_second_factor

    def login_limits(self) -> LoginLimits:
        from redhive.auth.throttle import LoginLimits

        return LoginLimits(self.login_max_failures_per_account, self.login_max_failures_per_address,
                           self.login_failure_window)

    def resolved_secret_key(self) -> str:
        """The secret key; refuses an empty or placeholder one outside dev mode, and in dev mode
        generates one on first use and keeps it in `<home>/secret_key`."""
        key = self.secret_key.strip()
        if key and (self.is_dev or (key.lower() not in PLACEHOLDER_SECRETS and len(key) >= MIN_SECRET_LENGTH)):
            return key
        if not self.is_dev:
            what = "is not set" if not key else "is a placeholder or shorter than 32 characters"
            raise InvalidInput(
                f"REDHIVE_SECRET_KEY {what}, and redhive runs in production mode (a database other than "
                "the embedded SQLite, or REDHIVE_ENV=production): set it to a random string, e.g. the "
                "output of `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
                field="secret_key",
            )
        return self._dev_secret_key()

    def _dev_secret_key(self) -> str:
        path = self.home / "secret_key"
        try:
            if path.exists():
                stored = path.read_text(encoding="utf-8").strip()
                if stored:
                    return stored
            self.home.mkdir(parents=True, exist_ok=True)
            key = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(key + "\n")
            return key
        except OSError as exc:
            raise InvalidInput(
                f"Cannot keep the development secret key in {path} ({exc.strerror}): set REDHIVE_HOME to a "
                "writable folder or REDHIVE_SECRET_KEY to a random string."
            ) from None
