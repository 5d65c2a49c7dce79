"""A lookup imports the one module that registers the item (start-up: a one-probe scan compiles one
detector's patterns, not all of them); a name the table gets wrong would still resolve, by loading
everything, so the table is checked here rather than by a benchmark."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from redhive.engine import registry


@pytest.mark.parametrize("kind", ["target", "scorer", "strategy"])
def test_every_built_in_name_is_looked_up_in_its_own_module(kind: registry.Kind) -> None:
    for name in registry.names(kind):
        obj = registry.get(kind, name)
        modules = registry._modules_of(kind, name)
        if not obj.__module__.startswith("redhive."):
            continue  # a plugin's
        assert modules == (obj.__module__,), f"{kind} {name!r} is registered in {obj.__module__}, not {modules}"


def test_a_lookup_imports_only_its_module() -> None:
    probe = ("import json, sys; from redhive.engine import registry; registry.get('scorer', 'canary'); "
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('redhive.engine.scorers.'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert json.loads(loaded) == ["redhive.engine.scorers.base", "redhive.engine.scorers.canary"]
