"""One registry for every pluggable engine item, keyed by (kind, name).

Built-in items register themselves with the decorators below when their module is imported, which
happens on the first lookup of their kind; third-party packages add theirs through the
`redhive.plugins` entry-point group (each entry point names a module whose import registers items;
plugins add names, they do not replace built-in ones).
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
_imported: set[str] = set()
_plugins_loaded = False

# Modules whose import registers the built-in items, by kind; a lookup imports only its kind's modules
# (a one-probe scan need not import every target's client library), a listing or a miss imports all.
_BUILTIN_MODULES: dict[Kind, tuple[str, ...]] = {
    "target": (
        "redhive.engine.targets.openai_compat",
        "redhive.engine.targets.anthropic",
        "redhive.engine.targets.hf_local",
        "redhive.engine.targets.sim",
    ),
    "converter": ("redhive.engine.converters",),
    "scorer": ("redhive.engine.scorers",),
    "strategy": ("redhive.engine.strategies",),
    "classifier": ("redhive.safeguards.classifiers",),  # a light module; scikit-learn loads on first use
}
# Targets are looked up by the kind of a spec (`openai:gpt-4o`): only that one's modules are needed.
_TARGET_MODULES: dict[str, tuple[str, ...]] = {
    "openai": ("redhive.engine.targets.openai_compat",),
    "anthropic": ("redhive.engine.targets.anthropic",),
    "hf": ("redhive.engine.targets.hf_local",),
    "sim": ("redhive.engine.targets.sim",),
}


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


def _import(modules: tuple[str, ...]) -> None:
    for module in modules:
        if module not in _imported:
            importlib.import_module(module)
            _imported.add(module)


def load_builtins() -> None:
    """Import every built-in module, then the installed plugins (which add items), once."""
    global _plugins_loaded
    for modules in _BUILTIN_MODULES.values():
        _import(modules)
    if not _plugins_loaded:
        _plugins_loaded = True
        for ep in entry_points(group="redhive.plugins"):
            ep.load()


def get(kind: Kind, name: str) -> Callable[..., Any]:
    _import(_TARGET_MODULES.get(name, ()) if kind == "target" else _BUILTIN_MODULES[kind])
    if (kind, name) not in _items:  # a plugin's item, or a typo: load everything before answering
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
