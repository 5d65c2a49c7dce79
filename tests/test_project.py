"""Project-level promises: the README's two commands, .ci/run calling the second, public __all__."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(python3 -m venv[^\n]+)\n```", text)


def test_readme_gives_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("redhive serve --demo")
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


@pytest.mark.parametrize("module", ["redhive.engine", "redhive.errors", "redhive.kit", "redhive.taxonomy"])
def test_public_surfaces_declare_all(module: str) -> None:
    mod = importlib.import_module(module)
    names = mod.__all__
    assert names == sorted(names) or module == "redhive.errors"
    for name in names:
        assert hasattr(mod, name), f"{module}.__all__ names {name}, which does not exist"
    public = {n for n in vars(mod) if not n.startswith("_") and not isinstance(getattr(mod, n), type(importlib))}
    missing = {n for n in public - set(names) if getattr(getattr(mod, n), "__module__", "").startswith("redhive")}
    assert not missing, f"{module} exposes {missing} without listing them in __all__"


def test_engine_never_imports_web_or_database() -> None:
    for path in (ROOT / "src" / "redhive" / "engine").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (fastapi|redhive\.db|redhive\.runs|sqlalchemy)", source, re.M), path
