"""One registry for every pluggable engine item, keyed by (kind, name).

Built-in items register themselves with the decorators below when their module is imported;
third-party packages add theirs through the `redhive.plugins` entry-point group (each entry point
names a module whose import registers items).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Literal, TypeVar

from redhive.errors import NotFound

Kind = Literal["target", "converter", "scorer", "strategy", "classifier"]
F = TypeVar("F", bound=Callable[..., Any])

_items: dict[tuple[Kind, str], Callable[..., Any]] = {}
_loaded = False

# Modules whose import registers the built-in items.
_BUILTIN_MODULES = (
    "redhive.engine.targets.openai_compat",
    "redhive.engine.targets.anthropic",
    "redhive.engine.targets.hf_local",
    "redhive.engine.targets.sim",
    "redhive.engine.agentic.sim",  # extends `sim` with the simulated agents sim:agent-*
    "redhive.engine.converters",
    "redhive.engine.scorers",
    "redhive.engine.strategies",
    "redhive.safeguards.classifiers",  # hazard classifiers: a light module, scikit-learn loads on first use
)


def register(kind: Kind, name: str) -> Callable[[F], F]:
    def decorate(obj: F) -> F:
        _items[(kind, name)] = obj
        return obj

    return decorate


def target(name: str) -> Callable[[F], F]:
    """Register a target factory `(model_name, TargetOptions) -> Target` for specs `name:<model>`."""
    return register("target", name)


def converter(name: str) -> Callable[[F], F]:
    """Register a converter class (a `Converter` subclass) under `name`."""
    return register("converter", name)


def scorer(name: str) -> Callable[[F], F]:
    """Register a detector factory `(**params) -> Detector` under `name`."""
    return register("scorer", name)


def strategy(name: str) -> Callable[[F], F]:
    """Register a multi-turn strategy class (a `Strategy` subclass) under `name`."""
    return register("strategy", name)


def classifier(name: str) -> Callable[[F], F]:
    """Register a hazard-classifier factory `(argument, ClassifierOptions) -> HazardClassifier` for
    specs `name` or `name:<argument>` (redhive.safeguards.screening)."""
    return register("classifier", name)


def load_builtins() -> None:
    """Import built-in modules and installed plugins once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group="redhive.plugins"):
        ep.load()


def get(kind: Kind, name: str) -> Callable[..., Any]:
    load_builtins()
    try:
        return _items[(kind, name)]
    except KeyError:
        known = names(kind)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise NotFound(
            f"Unknown {kind} '{name}'.{hint} Known {kind}s: {', '.join(known)}."
        ) from None


def names(kind: Kind) -> list[str]:
    load_builtins()
    return sorted(n for k, n in _items if k == kind)
