from __future__ import annotations

import pytest

from redhive.engine.agentic import Environment, load_environment


@pytest.fixture(scope="session")
def workspace() -> Environment:
    """The shipped workspace environment (loaded once; environments are never mutated)."""
    return load_environment("workspace")
