"""Without the agentdojo extra, `agentdojo:` environments fail with one sentence saying how to
install it (runs whether or not the extra is installed: the import is made to fail)."""

from __future__ import annotations

import sys

import pytest

from redhive.engine.agentic import load_environment
from redhive.engine.agentic.dojo.suite import load_suite
from redhive.errors import InvalidInput, NotFound


def test_a_missing_extra_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "agentdojo.task_suite.load_suites", None)
    load_suite.cache_clear()
    try:
        with pytest.raises(InvalidInput, match=r"pip install 'redhive\[agentdojo\]'"):
            load_environment("agentdojo:banking")
    finally:
        load_suite.cache_clear()


def test_an_unknown_suite_names_the_four() -> None:
    pytest.importorskip("agentdojo")
    with pytest.raises(NotFound, match="agentdojo:workspace, agentdojo:travel, agentdojo:banking or agentdojo:slack"):
        load_environment("agentdojo:shopping")
