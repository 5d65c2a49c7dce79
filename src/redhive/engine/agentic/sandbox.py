"""A live environment for one episode: state, clock, RNG, tool execution with cascades,
snapshots, rollback and the state hash."""

from __future__ import annotations

import hashlib
import json
import random
import time
import traceback
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redhive.engine.agentic.environment import Trigger
from redhive.engine.agentic.state import Change, State
from redhive.engine.agentic.tools import Clock, Tool, ToolContext, ToolError, render_result

if TYPE_CHECKING:
    from redhive.engine.agentic.environment import Environment

__all__ = ["CascadeEvent", "Sandbox", "Snapshot", "ToolOutcome", "UnknownTool"]

MAX_CASCADE_DEPTH = 8


class UnknownTool(Exception):
    """The model named a tool the environment does not have."""


@dataclass(slots=True, frozen=True)
class CascadeEvent:
    """Changes one cascade made in reaction to one trigger."""

    name: str
    trigger: str
    depth: int
    changes: list[Change]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "trigger": self.trigger, "depth": self.depth,
                "changes": [c.to_dict() for c in self.changes]}


@dataclass(slots=True)
class ToolOutcome:
    content: str
    error: str | None
    changes: list[Change]
    cascades: list[CascadeEvent]
    slots_seen: list[str]
    state_hash: str
    duration_ms: float = 0.0

    @property
    def all_changes(self) -> list[Change]:
        return self.changes + [c for e in self.cascades for c in e.changes]


@dataclass(slots=True, frozen=True)
class Snapshot:
    mark: int
    ticks: int
    counters: dict[str, int] = field(default_factory=dict)
    rng_state: Any = None


class Sandbox:
    """Built by `Environment.reset`; not shared between episodes."""

    def __init__(self, env: Environment, seed: int, injections: dict[str, str]) -> None:
        self.env = env
        self.seed = seed
        self.injections = injections
        self.state = State(env.base, env.base_digests)
        self.clock = Clock(env.start_time, env.tick_seconds)
        self.rng = random.Random(seed)
        self.ctx = ToolContext(self.state, self.clock, self.rng, env_name=env.name, user_name=env.user_name)
        values = {name: injections.get(name, spec.default) for name, spec in env.slots.items()}
        touched = {(t, k) for slot in injections for t, k, _ in env.slot_locations.get(slot, ())}
        for table, key in sorted(touched):
            self.state.load(table, key, env.fill(table, key, values))
        self._needles: dict[str, tuple[str, str]] = {
            name: (text, json.dumps(text, ensure_ascii=False)[1:-1])
            for name, text in values.items()
            if len(text.strip()) >= 8
        }
        self._shared = Counter(raw for raw, _ in self._needles.values())
        if env.kind.setup is not None:
            env.kind.setup(self)

    # tools -------------------------------------------------------------------------------------

    def tool_specs(self) -> list[dict[str, Any]]:
        return self.env.tool_specs()

    def execute(self, name: str, args: Any) -> ToolOutcome:
        """Validate and run one tool call, then its cascades. Raises `UnknownTool` or
        `InvalidArguments` before anything runs; a `ToolError` (or a crash) rolls the call back
        and becomes an `Error: …` result."""
        tool = self.env.tools.get(name)
        if tool is None:
            raise UnknownTool(f"unknown tool '{name}' (tools: {', '.join(self.env.tools)})")
        return self.run(tool, tool.validate(args))

    def run(self, tool: Tool, kwargs: dict[str, Any]) -> ToolOutcome:
        """Run a tool on arguments it has already validated."""
        name = tool.name
        started = time.perf_counter()
        before = self.snapshot()
        self.clock.advance()
        self.state.start_reads()
        error: str | None = None
        try:
            content = render_result(tool(self.ctx, **kwargs))
        except ToolError as exc:
            error = str(exc) or "the tool failed"
        except Exception as exc:  # a bug in the environment: recorded, never fatal to the run
            last = traceback.extract_tb(exc.__traceback__)[-1]
            error = f"internal error in tool {name}: {type(exc).__name__}: {exc} ({last.name}:{last.lineno})"
        reads = self.state.stop_reads()
        if error is not None:
            self.state.rollback(before.mark)
            self.ctx.counters = dict(before.counters)
            content = f"Error: {error}"
            changes: list[Change] = []
            cascades: list[CascadeEvent] = []
        else:
            changes = self.state.changes_since(before.mark)
            cascades = self._cascades(changes)
        seen = self._seen(reads, content)
        return ToolOutcome(content, error, changes, cascades, seen, self.state_hash,
                           (time.perf_counter() - started) * 1000)

    def _cascades(self, changes: list[Change]) -> list[CascadeEvent]:
        events: list[CascadeEvent] = []
        frontier = changes
        for depth in range(1, MAX_CASCADE_DEPTH + 1):
            produced: list[Change] = []
            for trigger in triggers(frontier):
                for cascade in self.env.kind.cascades:
                    if not cascade.fires_on(trigger):
                        continue
                    mark = self.state.mark()
                    cascade.effect(self.ctx, trigger)
                    made = self.state.changes_since(mark)
                    if made:
                        events.append(CascadeEvent(cascade.name, trigger.path, depth, made))
                        produced.extend(made)
            if not produced:
                break
            frontier = produced
        return events

    def _seen(self, reads: set[tuple[str, str]], content: str) -> list[str]:
        """Slots whose text this result showed, from a record the tool read.

        An attack fills every slot with the same text, so the text alone cannot say which slot a
        result showed: then the record's whole field must appear in the result, and where several
        records' fields are identical too, the record's key must appear (as a JSON string)."""
        found: list[str] = []
        shown: dict[str, list[tuple[str, str]]] = {}
        for slot, (raw, escaped) in self._needles.items():
            if raw not in content and escaped not in content:
                continue
            read = [(t, k, f) for t, k, f in self.env.slot_locations.get(slot, ())
                    if (t, k) in reads or (t, "*") in reads]
            fields = [(k, text) for t, k, f in read if (text := self._shown_field(t, k, f, content))]
            if fields:
                shown[slot] = fields
            elif read and self._shared[raw] == 1:
                found.append(slot)
        counts = Counter(text for fields in shown.values() for _, text in fields)
        for slot, fields in shown.items():
            if any(counts[text] == 1 or json.dumps(key) in content for key, text in fields):
                found.append(slot)
        return found

    def _shown_field(self, table: str, key: str, field_name: str, content: str) -> str | None:
        record = self.state.view(table).get(key)
        value = getattr(record, field_name, None) if record is not None else None
        texts = [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)] \
            if isinstance(value, tuple) else []
        return next((t for t in texts if t in content or json.dumps(t, ensure_ascii=False)[1:-1] in content), None)

    # snapshots ---------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """O(1): journal position, clock, id counters and RNG state."""
        return Snapshot(self.state.mark(), self.clock.ticks, dict(self.ctx.counters), self.rng.getstate())

    def restore(self, snap: Snapshot) -> None:
        """Roll everything back to `snap` (O(changes since))."""
        self.state.rollback(snap.mark)
        self.clock.ticks = snap.ticks
        self.ctx.counters = dict(snap.counters)
        if snap.rng_state is not None:
            self.rng.setstate(snap.rng_state)

    def diff(self, snap: Snapshot | None = None) -> list[Change]:
        """Structural diff since `snap` (since reset when None)."""
        return self.state.changes_since(snap.mark if snap else 0)

    @property
    def state_hash(self) -> str:
        """Hash of the records, the clock and the id counters."""
        counters = ",".join(f"{k}={v}" for k, v in sorted(self.ctx.counters.items()))
        text = f"{self.state.digest}|{self.clock.ticks}|{counters}"
        return hashlib.sha256(text.encode()).hexdigest()

    def tables(self) -> dict[str, Mapping[str, Any]]:
        """Every table as a read-only view (what task checks look at)."""
        return {t: self.state.view(t) for t in self.state.table_names}

    def export(self) -> dict[str, dict[str, Any]]:
        return self.state.export()

    def close(self) -> None:
        """Close the per-episode resources `setup` attached (anything with a `close` method)."""
        for resource in self.ctx.resources.values():
            close = getattr(resource, "close", None)
            if callable(close):
                close()
        self.ctx.resources.clear()


def triggers(changes: list[Change]) -> list[Trigger]:
    """Group field-level changes by record: one trigger per record and operation."""
    out: dict[str, Trigger] = {}
    for change in changes:
        parts = change.path.split("/")
        table, key = parts[0], parts[1]
        record_path = f"{table}/{key}"
        if change.op != "changed":
            out[record_path] = Trigger(table, key, change.op, change.record or {})
            continue
        existing = out.get(record_path)
        changed = dict(existing.changed) if existing else {}
        changed[parts[2] if len(parts) > 2 else ""] = (change.before, change.after)
        out[record_path] = Trigger(table, key, "changed", change.record or {}, changed)
    return list(out.values())
