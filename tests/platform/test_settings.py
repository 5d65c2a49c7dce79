"""The secret key: refused when empty or a placeholder outside dev mode; generated and kept in dev."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from redhive.app import create_app
from redhive.errors import InvalidInput
from redhive.settings import Settings


@pytest.mark.parametrize("key", ["", "changeme", "short-but-not-placeholder"])
def test_production_refuses_empty_or_placeholder_secret(tmp_path: Path, key: str) -> None:
    settings = Settings(home=tmp_path, database_url="postgresql://db/prod", secret_key=key)
    assert not settings.is_dev
    with pytest.raises(InvalidInput, match="REDHIVE_SECRET_KEY"):
        create_app(settings)


def test_dev_mode_generates_one_key_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    assert settings.is_dev and settings.cookie_secure is False
    first = settings.resolved_secret_key()
    assert len(first) >= 32
    path = tmp_path / "home" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(home=tmp_path / "home").resolved_secret_key() == first


def test_production_uses_a_real_secret_and_secure_cookies(tmp_path: Path) -> None:
    key = "k" * 48
    settings = Settings(home=tmp_path, database_url="postgresql://db/prod", secret_key=key)
    assert settings.resolved_secret_key() == key and settings.cookie_secure is True
