"""Environments: a kind (record types, tools, cascades, in Python) plus data (seed state, injection
slots, side-effect specs and tasks, in YAML). `Environment.reset(seed, injections)` gives a live
`Sandbox` for one episode.

    WORKSPACE = EnvironmentKind(
        name="workspace",
        records={"inbox": Email, "sent": Email, "events": Event, "files": File},
        tools=(search_emails, send_email, ...),
        cascades=(Cascade("delivery-receipt", "sent", receipt, ops=("added",)),),
        data=Path(__file__).parent / "data" / "environment.yaml",
    )
    register_environment(WORKSPACE)
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redhive.engine.agentic.matching import where_matches
from redhive.engine.agentic.spec import (
    CallRule,
    InjectionTaskSpec,
    Matcher,
    Op,
    PathRule,
    SlotSpec,
    UserTaskSpec,
)
from redhive.engine.agentic.state import record_digest
from redhive.engine.agentic.tools import Tool, ToolContext
from redhive.errors import NotFound

if TYPE_CHECKING:
    from redhive.engine.agentic.monitors import Monitor
    from redhive.engine.agentic.sandbox import Sandbox

__all__ = [
    "Cascade",
    "Environment",
    "EnvironmentKind",
    "Policy",
    "Trigger",
    "environment_kinds",
    "get_kind",
    "get_provider",
    "register_environment",
    "register_environment_provider",
]

SLOT = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}")
_BUILTIN_ENVIRONMENTS = (
    "redhive.engine.agentic.environments.workspace",
    "redhive.engine.agentic.environments.payments",
    "redhive.engine.agentic.environments.web",
    "redhive.engine.agentic.environments.database",
    "redhive.engine.agentic.environments.devices",
)
_KINDS: dict[str, EnvironmentKind] = {}
_loaded = False
#: `PREFIX:NAME` environments built by a function rather than a data file (AgentDojo's suites);
#: module paths are imported on first use, so optional extras cost nothing until asked for.
_PROVIDERS: dict[str, Callable[[str], Environment] | str] = {
    "agentdojo": "redhive.engine.agentic.dojo:load_suite",
}


@dataclass(slots=True, frozen=True)
class Trigger:
    """What a cascade fires on: one record added, removed or changed (with the changed fields)."""

    table: str
    key: str
    op: Op
    record: Mapping[str, Any]
    changed: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"{self.table}/{self.key}"


@dataclass(slots=True, frozen=True)
class Cascade:
    """A declarative trigger: when a record of `table` is added/removed/changed (optionally only
    when one of `fields` changed, and only for records matching `where`), `effect` makes further
    changes. Those are recorded as cascade events, apart from the tool's own changes, and may
    trigger further cascades (up to a depth limit)."""

    name: str
    table: str
    effect: Callable[[ToolContext, Trigger], None]
    ops: tuple[Op, ...] = ("added", "removed", "changed")
    fields: tuple[str, ...] = ()
    where: Mapping[str, Matcher] | None = None
    description: str = ""

    def fires_on(self, trigger: Trigger) -> bool:
        if trigger.table != self.table or trigger.op not in self.ops:
            return False
        if trigger.op == "changed" and self.fields and not set(self.fields) & set(trigger.changed):
            return False
        return where_matches(trigger.record, self.where)


@dataclass(slots=True, frozen=True)
class EnvironmentKind:
    """The Python half of an environment. Records are frozen dataclasses with a `key_field`.

    `setup(sandbox)` runs at the end of every reset: attach per-episode resources to
    `sandbox.ctx.resources` and mirror the state with `sandbox.state.subscribe` (see
    docs/agentic.md, "An environment backed by SQLite"). `monitors` are extra rules (for example
    physical-safety constraints) that run in this environment besides the built-in ones.
    """

    name: str
    records: Mapping[str, type]
    tools: Sequence[Tool]
    cascades: Sequence[Cascade] = ()
    data: Path | None = None
    description: str = ""
    key_field: str = "id"
    setup: Callable[[Sandbox], None] | None = None
    monitors: Sequence[Monitor] = ()
    #: further data sets of this kind, loadable as `KIND:VARIANT` (e.g. `workspace:long`)
    variants: Mapping[str, Path] = field(default_factory=dict)
    #: `generate(seed, params) -> {table: [records]}`: seed data made from a seed, merged into a
    #: data file that asks for it with `generate:` (realistic volume without shipping it)
    generate: Callable[[int, Mapping[str, Any]], dict[str, list[dict[str, Any]]]] | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.tools]
        if len(set(names)) != len(names):
            raise ValueError(f"environment kind {self.name}: two tools share a name")
        for table, cls in self.records.items():
            if not dataclasses.is_dataclass(cls):
                raise TypeError(f"environment kind {self.name}: records of '{table}' must be a dataclass")
        for cascade in self.cascades:
            if cascade.table not in self.records:
                raise ValueError(f"cascade {cascade.name} watches unknown table '{cascade.table}'")


@dataclass(slots=True, frozen=True)
class Policy:
    """The effective side-effect spec and rules of one task in one environment."""

    allowed: tuple[PathRule, ...]
    irreversible: tuple[PathRule, ...]
    protected: tuple[PathRule, ...]
    forbidden: tuple[CallRule, ...]
    trusted_recipients: tuple[str, ...]
    scope: frozenset[str]


@dataclass(slots=True)
class Environment:
    """A loaded environment definition (shared, never mutated by episodes)."""

    kind: EnvironmentKind
    name: str
    description: str
    system_prompt: str
    user_name: str
    start_time: datetime
    tick_seconds: float
    slots: dict[str, SlotSpec]
    templates: dict[str, dict[str, Any]]  # seed records, placeholders unfilled
    allowed: tuple[PathRule, ...] = ()
    irreversible: tuple[PathRule, ...] = ()
    protected: tuple[PathRule, ...] = ()
    forbidden: tuple[CallRule, ...] = ()
    trusted_recipients: tuple[str, ...] = ()
    user_tasks: dict[str, UserTaskSpec] = field(default_factory=dict)
    injection_tasks: dict[str, InjectionTaskSpec] = field(default_factory=dict)
    source: str = ""
    # derived in __post_init__
    tools: dict[str, Tool] = field(init=False)
    slot_locations: dict[str, list[tuple[str, str, str]]] = field(init=False)
    base: dict[str, dict[str, Any]] = field(init=False)
    base_digests: dict[str, dict[str, int]] = field(init=False)
    _specs: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.tools = {t.name: t for t in self.kind.tools}
        self._specs = [t.spec() for t in self.kind.tools]
        self.slot_locations = {name: [] for name in self.slots}
        for table, rows in self.templates.items():
            for key, record in rows.items():
                for fname, slot in _placeholders(record):
                    self.slot_locations.setdefault(slot, []).append((table, key, fname))
        defaults = {name: spec.default for name, spec in self.slots.items()}
        self.base = {
            table: {key: self.fill(table, key, defaults) for key in rows} for table, rows in self.templates.items()
        }
        self.base_digests = {
            table: {key: record_digest(table, key, r) for key, r in rows.items()} for table, rows in self.base.items()
        }

    def tool_specs(self) -> list[dict[str, Any]]:
        """Every tool as an OpenAI function spec."""
        return list(self._specs)

    def fill(self, table: str, key: str, values: Mapping[str, str]) -> Any:
        """The seed record with each `{{slot}}` replaced by `values[slot]`."""
        record = self.templates[table][key]
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if isinstance(value, str) and "{{" in value:
                changes[f.name] = _fill(value, values)
            elif isinstance(value, tuple) and any(isinstance(v, str) and "{{" in v for v in value):
                changes[f.name] = tuple(_fill(v, values) if isinstance(v, str) else v for v in value)
        return dataclasses.replace(record, **changes) if changes else record

    def policy(self, task: UserTaskSpec | None) -> Policy:
        if task is None:
            return Policy(self.allowed, self.irreversible, self.protected, self.forbidden,
                          self.trusted_recipients, frozenset())
        return Policy(
            self.allowed + tuple(task.allowed),
            self.irreversible + tuple(task.irreversible),
            self.protected + tuple(task.protected),
            self.forbidden + tuple(task.forbidden),
            self.trusted_recipients + tuple(task.trusted_recipients),
            frozenset(task.scope),
        )

    def injection_slots(self, task: UserTaskSpec) -> list[str]:
        """The slots an attack fills for this task: all of them (AgentDojo-backed environments
        fill only those the task's ground truth reads, as AgentDojo does)."""
        return list(self.slots)

    def reset(self, seed: int = 0, injections: Mapping[str, str] | None = None,
              task: UserTaskSpec | None = None) -> Sandbox:
        """A fresh sandbox: seed state with slots filled (`injections`, else the defaults),
        clock at the start time, RNG seeded with `seed`. (`task` is for environments that prepare
        the state per task, as AgentDojo's do; the native ones do not.)"""
        from redhive.engine.agentic.sandbox import Sandbox

        unknown = set(injections or {}) - set(self.slots)
        if unknown:
            raise NotFound(
                f"Environment {self.name} has no injection slot {', '.join(sorted(unknown))}; "
                f"its slots are: {', '.join(self.slots) or 'none'}."
            )
        return Sandbox(self, seed, dict(injections or {}))


def _placeholders(record: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, tuple) else []
        for text in texts:
            found.extend((f.name, m.group(1)) for m in SLOT.finditer(text))
    return found


def _fill(text: str, values: Mapping[str, str]) -> str:
    return SLOT.sub(lambda m: values.get(m.group(1), ""), text)


def register_environment(kind: EnvironmentKind) -> EnvironmentKind:
    """Make a kind loadable by name (`load_environment(kind.name)`)."""
    _KINDS[kind.name] = kind
    return kind


def register_environment_provider(prefix: str, build: Callable[[str], Environment] | str) -> None:
    """Make `PREFIX:NAME` load through `build(NAME)` (or a `module:function` imported on use)."""
    _PROVIDERS[prefix] = build


def get_provider(prefix: str) -> Callable[[str], Environment] | None:
    build = _PROVIDERS.get(prefix)
    if isinstance(build, str):
        module, _, name = build.partition(":")
        build = _PROVIDERS[prefix] = getattr(importlib.import_module(module), name)
    return build


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in _BUILTIN_ENVIRONMENTS:
            importlib.import_module(module)


def environment_kinds() -> list[str]:
    _load_builtins()
    return sorted(_KINDS)


def get_kind(name: str) -> EnvironmentKind:
    _load_builtins()
    try:
        return _KINDS[name]
    except KeyError:
        raise NotFound(
            f"Unknown environment '{name}'. Known environments: {', '.join(sorted(_KINDS)) or 'none'}."
        ) from None
