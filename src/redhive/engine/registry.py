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

# Modules whose import registers the built-in items, by kind; a lookup imports only the item's own module
# (`_modules_of`: a one-probe scan need not import every target's client library), a listing or a miss all.
_BUILTIN_MODULES: dict[Kind, tuple[str, ...]] = {
    "target": (
        "redhive.engine.targets.openai_compat",
        "redhive.engine.targets.anthropic",
        "redhive.engine.targets.hf_local",
        "redhive.engine.targets.sim",
    ),
    "converter": tuple(f"redhive.engine.converters.{m}" for m in (
        "assisted", "ciphers", "encodings", "framing", "obfuscation", "priming", "structure")),
    "scorer": tuple(f"redhive.engine.scorers.{m}" for m in (
        "blowup", "canary", "compliance", "counterfactual", "disclosure", "expected", "faithfulness",
        "hallucination", "injection", "judge", "malware", "output_handling", "pii", "premise", "refusal", "regex",
        "sycophancy")),
    "strategy": tuple(f"redhive.engine.strategies.{m}" for m in ("crescendo", "pair", "tap")),
    "classifier": ("redhive.safeguards.classifiers",),  # a light module; scikit-learn loads on first use
}
# The module of a built-in item whose name does not say it: a lookup imports that one alone (a one-probe
# scan compiles one detector's patterns, not every detector's). Any other name imports its kind's modules.
_MODULE_OF: dict[tuple[Kind, str], str] = {
    ("target", "openai"): "redhive.engine.targets.openai_compat",
    ("target", "anthropic"): "redhive.engine.targets.anthropic",
    ("target", "hf"): "redhive.engine.targets.hf_local",
    ("target", "sim"): "redhive.engine.targets.sim",
    ("scorer", "restricted_compliance"): "redhive.engine.scorers.compliance",
    ("scorer", "instruction_disclosure"): "redhive.engine.scorers.disclosure",
    ("scorer", "triggers"): "redhive.engine.scorers.expected",
    ("scorer", "assertions"): "redhive.engine.scorers.expected",
    ("scorer", "malware_compliance"): "redhive.engine.scorers.malware",
    ("scorer", "false_premise"): "redhive.engine.scorers.premise",
}


def _modules_of(kind: Kind, name: str) -> tuple[str, ...]:
    if (kind, name) in _MODULE_OF:
        return (_MODULE_OF[(kind, name)],)
    own = next((m for m in _BUILTIN_MODULES[kind] if m.rsplit(".", 1)[1] == name), None)
    return (own,) if own is not None else _BUILTIN_MODULES[kind]


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
    _import(_modules_of(kind, name))
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
