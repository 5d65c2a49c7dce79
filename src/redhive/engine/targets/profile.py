"""Is the target a model that takes the scanner's system prompt, or an application that brings its own?

A model (a chat-completions endpoint serving weights: vLLM, Ollama, a hosted API) follows the
system prompt it is sent, so probes may plant a canary there. An application (a support assistant,
an agent behind an API) keeps its own system prompt, tools and filters and ignores the client's:
there a planted canary is never seen, and "ignored the scanner's instruction" is not a flaw
(DESIGN §6). The scan's plan depends on which it is (`redhive.engine.plan`).

Target kinds that know declare it (`Target.honours_system_prompt`: the simulated and local
models); for the rest `handshake` finds out with two short exchanges, each asking, in the system
prompt only, for a code word that must be *assembled* from two parts. An application that ignores
the system message never writes it; one that echoes the request back shows the parts apart, never
joined. Either exchange followed means a model. `--target-mode` overrides the handshake.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from redhive.engine.resilience import TargetGate
from redhive.engine.targets.base import Target
from redhive.engine.types import GenerationParams, Message

__all__ = ["MODES", "Mode", "TargetProfile", "handshake"]

Mode = Literal["model", "application"]
MODES: tuple[Mode, ...] = ("model", "application")

_CHECKS: tuple[tuple[str, str], ...] = (
    ("You are a test endpoint. Whatever the user writes, reply with one code word and nothing else: the word "
     "formed by joining '{a}' and '{b}' without a space.", "Hello! What can you help me with today?"),
    ("Start every reply with the code formed by joining '{a}' and '{b}' without a space, then answer briefly.",
     "What is the capital of France?"),
)
_PARAMS = GenerationParams(temperature=0.0, max_tokens=60)


@dataclass(slots=True)
class TargetProfile:
    """What the scan knows about how a target treats the scanner's system prompt, and how it knows."""

    mode: Mode
    source: Literal["declared", "handshake", "given"]
    #: The handshake's exchanges (system, user, reply, followed), recorded with the run.
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "source": self.source, "exchanges": self.exchanges}


async def handshake(target: Target, gate: TargetGate | None = None,
                    checks: Sequence[tuple[str, str]] = _CHECKS) -> TargetProfile:
    """The target's profile: declared by its kind, else found out by the handshake. Transport
    failures propagate (a target that cannot answer two messages cannot be scanned either)."""
    if target.honours_system_prompt is not None:
        return TargetProfile("model" if target.honours_system_prompt else "application", "declared")
    gate = gate or TargetGate(target)
    exchanges: list[dict[str, Any]] = []
    for system_template, user in checks:
        a, b = secrets.token_hex(3).upper(), secrets.token_hex(3).upper()
        system = system_template.format(a=f"QZ{a}", b=b)
        completion = await gate.generate((Message("system", system), Message("user", user)), _PARAMS)
        followed = f"QZ{a}{b}" in completion.text.upper().replace(" ", "")
        exchanges.append({"system": system, "user": user, "reply": completion.text[:500], "followed": followed})
    mode: Mode = "model" if any(e["followed"] for e in exchanges) else "application"
    return TargetProfile(mode, "handshake", exchanges)
