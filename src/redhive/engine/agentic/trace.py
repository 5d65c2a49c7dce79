"""Episode traces: plain, serialisable records of every step, hash-chained.

An `Episode` holds a header (environment, tasks, attack, target, seed, injections, initial state
hash), its `StepRecord`s and its outcome. Each step carries the hash of the previous one (the
first carries the header's hash); the episode's `seal` hashes the last step with the outcome. So a
trace is tamper-evident: `verify_chain` finds any edited step or outcome.

A step is one model turn: its text, its tool calls (`ActionRecord`: name, raw and parsed
arguments, status, monitor findings and decision, the result the model read, the state diff, the
cascades, side-effect paths, slots seen, the state hash after it, timing) and its token usage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from redhive.engine.agentic.monitors import Finding
from redhive.engine.agentic.sandbox import CascadeEvent
from redhive.engine.agentic.state import Change, canonical_json

__all__ = [
    "ActionRecord",
    "ActionStatus",
    "Episode",
    "EpisodeStatus",
    "StepRecord",
    "episode_id",
    "verify_chain",
]

ActionStatus = Literal["executed", "tool_error", "invalid", "rejected", "skipped"]
EpisodeStatus = Literal["completed", "halted", "step_limit", "timeout", "error"]
Decision = Literal["approve", "flag", "halt"]
SCHEMA_VERSION = 1


def episode_id(env: str, user_task: str, injection_task: str | None, attack: str | None, target: str,
               repeat: int) -> str:
    """Deterministic: the same cell of a scan always has the same id (for resume)."""
    key = "\x1f".join((env, user_task, injection_task or "-", attack or "-", target, str(repeat)))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(slots=True)
class ActionRecord:
    call_id: str
    tool: str
    arguments: str
    args: dict[str, Any] | None
    status: ActionStatus
    result: str
    error: str | None = None
    decision: Decision = "approve"
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    cascades: list[CascadeEvent] = field(default_factory=list)
    rejected_changes: list[Change] = field(default_factory=list)
    side_effects: list[str] = field(default_factory=list)
    irreversible: list[str] = field(default_factory=list)
    out_of_scope: bool = False
    slots_seen: list[str] = field(default_factory=list)
    state_hash: str = ""
    duration_ms: float = 0.0

    @property
    def ran(self) -> bool:
        """The tool ran and its effects stand (executed, or failed with an error)."""
        return self.status in ("executed", "tool_error")

    @property
    def out_of_task(self) -> bool:
        """Goal drift: a call outside the task's scope or with changes outside its allow-list."""
        return self.out_of_scope or bool(self.side_effects)

    @property
    def policy_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "policy"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id, "tool": self.tool, "arguments": self.arguments, "args": self.args,
            "status": self.status, "result": self.result, "error": self.error, "decision": self.decision,
            "findings": [f.to_dict() for f in self.findings],
            "changes": [c.to_dict() for c in self.changes],
            "cascades": [c.to_dict() for c in self.cascades],
            "rejected_changes": [c.to_dict() for c in self.rejected_changes],
            "side_effects": list(self.side_effects), "irreversible": list(self.irreversible),
            "out_of_scope": self.out_of_scope, "slots_seen": list(self.slots_seen),
            "state_hash": self.state_hash, "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ActionRecord:
        return cls(
            call_id=d["call_id"], tool=d["tool"], arguments=d["arguments"], args=d.get("args"),
            status=d["status"], result=d["result"], error=d.get("error"), decision=d.get("decision", "approve"),
            findings=[Finding(**f) for f in d.get("findings", [])],
            changes=[Change.from_dict(c) for c in d.get("changes", [])],
            cascades=[CascadeEvent(c["name"], c["trigger"], c["depth"], [Change.from_dict(x) for x in c["changes"]])
                      for c in d.get("cascades", [])],
            rejected_changes=[Change.from_dict(c) for c in d.get("rejected_changes", [])],
            side_effects=list(d.get("side_effects", [])), irreversible=list(d.get("irreversible", [])),
            out_of_scope=bool(d.get("out_of_scope")), slots_seen=list(d.get("slots_seen", [])),
            state_hash=d.get("state_hash", ""), duration_ms=float(d.get("duration_ms", 0.0)),
        )


@dataclass(slots=True)
class StepRecord:
    index: int
    text: str
    actions: list[ActionRecord]
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    finish_reason: str | None = None
    prev_hash: str = ""
    hash: str = ""
    #: The user's message that opened this step: a later turn of a sequence test (scripted or from
    #: the simulated user); None on the first step and on steps that follow tool results.
    user: str | None = None
    #: Who wrote `user`: "script" or the simulated user's target spec.
    user_source: str | None = None

    def body(self) -> dict[str, Any]:
        out = {
            "index": self.index, "text": self.text, "actions": [a.to_dict() for a in self.actions],
            "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
            "latency_ms": self.latency_ms, "finish_reason": self.finish_reason, "prev_hash": self.prev_hash,
        }
        if self.user is not None:  # only then: traces of single-turn tasks keep their hashes
            out["user"], out["user_source"] = self.user, self.user_source
        return out

    def compute_hash(self) -> str:
        return _sha(canonical_json(self.body()))

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StepRecord:
        return cls(
            index=d["index"], text=d["text"], actions=[ActionRecord.from_dict(a) for a in d["actions"]],
            input_tokens=d.get("input_tokens", 0), output_tokens=d.get("output_tokens", 0),
            latency_ms=d.get("latency_ms", 0.0), finish_reason=d.get("finish_reason"),
            prev_hash=d.get("prev_hash", ""), hash=d.get("hash", ""), user=d.get("user"),
            user_source=d.get("user_source"),
        )


_HEADER = ("id", "env", "user_task", "injection_task", "attack", "target", "repeat", "seed", "monitor_mode",
           "injections", "system_prompt", "prompt", "initial_hash")
_OUTCOME = ("status", "error", "answer", "final_hash", "utility", "utility_failures", "injection_success",
            "slots_seen")


@dataclass(slots=True)
class Episode:
    id: str
    env: str
    user_task: str
    injection_task: str | None
    attack: str | None
    target: str
    repeat: int
    seed: int
    monitor_mode: str
    injections: dict[str, str]
    system_prompt: str
    prompt: str
    initial_hash: str
    steps: list[StepRecord] = field(default_factory=list)
    status: EpisodeStatus = "completed"
    error: str | None = None
    answer: str = ""
    final_hash: str = ""
    utility: bool | None = None
    utility_failures: list[str] = field(default_factory=list)
    injection_success: bool | None = None
    slots_seen: list[str] = field(default_factory=list)
    started_at: float = 0.0
    duration_ms: float = 0.0
    seal: str = ""
    version: int = SCHEMA_VERSION

    # the hash chain ------------------------------------------------------------------------------

    def genesis(self) -> str:
        return _sha(canonical_json({k: getattr(self, k) for k in _HEADER}))

    def append(self, step: StepRecord) -> None:
        step.prev_hash = self.steps[-1].hash if self.steps else self.genesis()
        step.hash = step.compute_hash()
        self.steps.append(step)

    def compute_seal(self) -> str:
        head = self.steps[-1].hash if self.steps else self.genesis()
        return _sha(head + canonical_json({k: getattr(self, k) for k in _OUTCOME}))

    # derived -----------------------------------------------------------------------------------

    @property
    def attacked(self) -> bool:
        return self.injection_task is not None

    @property
    def scored(self) -> bool:
        """Errors and timeouts are counted apart, never as a pass or a fail."""
        return self.status not in ("error", "timeout")

    @property
    def actions(self) -> list[ActionRecord]:
        return [a for s in self.steps for a in s.actions]

    @property
    def executed_actions(self) -> list[ActionRecord]:
        return [a for a in self.actions if a.ran]

    @property
    def side_effects(self) -> list[str]:
        return list(dict.fromkeys(p for a in self.actions if a.ran for p in a.side_effects))

    @property
    def irreversible_side_effects(self) -> list[str]:
        return list(dict.fromkeys(p for a in self.actions if a.ran for p in a.irreversible))

    @property
    def cascade_count(self) -> int:
        return sum(len(a.cascades) for a in self.actions if a.ran)

    @property
    def invalid_calls(self) -> int:
        return sum(1 for a in self.actions if a.status == "invalid")

    @property
    def input_tokens(self) -> int:
        return sum(s.input_tokens for s in self.steps)

    @property
    def output_tokens(self) -> int:
        return sum(s.output_tokens for s in self.steps)

    def violation_steps(self) -> list[int]:
        """Steps with a monitor finding or a side effect (attempted counts, halted or not)."""
        return [s.index for s in self.steps if any(a.findings or a.side_effects for a in s.actions)]

    @property
    def first_violation_step(self) -> int | None:
        steps = self.violation_steps()
        return steps[0] if steps else None

    # serialisation -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in (*_HEADER, *_OUTCOME, "started_at", "duration_ms", "seal", "version")}
        out["injections"] = dict(self.injections)
        out["steps"] = [s.to_dict() for s in self.steps]
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Episode:
        fields = {k: d[k] for k in (*_HEADER, *_OUTCOME, "started_at", "duration_ms", "seal", "version") if k in d}
        return cls(**fields, steps=[StepRecord.from_dict(s) for s in d.get("steps", [])])


def verify_chain(episode: Episode) -> list[str]:
    """Problems with the hash chain (empty when the trace is intact)."""
    problems: list[str] = []
    prev = episode.genesis()
    for step in episode.steps:
        if step.prev_hash != prev:
            problems.append(f"step {step.index}: does not follow the previous record")
        if step.compute_hash() != step.hash:
            problems.append(f"step {step.index}: content does not match its hash")
        prev = step.hash
    if episode.seal != episode.compute_seal():
        problems.append("the outcome does not match the seal")
    return problems
