"""Simulated tool-using agents `sim:agent-naive` and `sim:agent-hardened` (DESIGN §7).

Deterministic stand-ins for a model behind the OpenAI tool-calling protocol: they read the
conversation (the user's task, the tool results so far) and the offered tools, and answer with one
tool call per turn or a final answer. The rules are in `sim/core.py`; the sentences they understand
per environment in `sim/<environment>.py`. `sim:agent-naive` follows instructions injected in tool
results; `sim:agent-hardened` never does and completes the user's task.

The `sim` target kind (`redhive.engine.targets.sim`) hands the specs in `MODELS` to `create` here,
importing this package only then: a chat scan does not pay for the agent world's imports.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from redhive.engine.agentic.sim import database as _database  # noqa: F401 - registers its skills
from redhive.engine.agentic.sim import devices as _devices  # noqa: F401 - registers its skills
from redhive.engine.agentic.sim import payments as _payments  # noqa: F401 - registers its skills
from redhive.engine.agentic.sim import web as _web  # noqa: F401 - registers its skills
from redhive.engine.agentic.sim import workspace as _workspace  # noqa: F401 - registers its skills
from redhive.engine.agentic.sim.core import Policy, decide
from redhive.engine.agentic.users import DONE, PENDING_HEADER
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import NotFound

__all__ = ["AGENTS", "SimAgent", "SimUser"]

AGENTS: dict[str, Policy] = {"agent-naive": "naive", "agent-hardened": "hardened"}


class SimAgent(Target):
    """A simulated tool-using agent. `extra={"latency_ms": N}` adds a fixed delay per request."""

    def __init__(self, model: str, options: TargetOptions) -> None:
        super().__init__(f"sim:{model}", options)
        self.model = model
        self.policy = AGENTS[model]
        self.latency = float(options.extra.get("latency_ms", 0)) / 1000

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        if self.latency:
            await asyncio.sleep(self.latency)
        offered = frozenset(t.get("function", {}).get("name", "") for t in tools or ())
        plan = decide(messages, offered, self.policy)
        prompt_chars = sum(len(m.content or "") for m in messages)
        if plan.request is None:
            usage = Usage(prompt_chars // 4 + 1, len(plan.answer) // 4 + 1)
            return Completion(text=plan.answer, usage=usage, finish_reason="stop", model=self.spec)
        arguments = json.dumps(plan.request.args, ensure_ascii=False)
        call = ToolCall(f"call_{plan.call_number}", plan.request.tool, arguments)
        usage = Usage(prompt_chars // 4 + 1, (len(arguments) + len(call.name)) // 4 + 1)
        return Completion(text="", tool_calls=(call,), usage=usage, finish_reason="tool_calls", model=self.spec)


class SimUser(Target):
    """`sim:user`, the simulated user of sequence tests: sends the first request the user-model
    prompt (`agentic/users.py`) lists as not yet made, verbatim, or DONE when none is left."""

    def __init__(self, options: TargetOptions) -> None:
        super().__init__("sim:user", options)

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        system = next((m.content or "" for m in messages if m.role == "system"), "")
        _, _, pending = system.partition(PENDING_HEADER)
        requests = [line[2:].strip() for line in pending.strip().splitlines() if line.startswith("- ")]
        reply = requests[0] if requests and requests[0] != "(none)" else DONE
        return Completion(text=reply, usage=Usage(len(system) // 4 + 1, len(reply) // 4 + 1),
                          finish_reason="stop", model=self.spec)


def create(model: str, options: TargetOptions) -> Target:
    """A simulated agent or user for one of the `sim:` specs in `redhive.engine.targets.sim.AGENT_MODELS`."""
    if model in AGENTS:
        return SimAgent(model, options)
    if model == "user":
        return SimUser(options)
    if model == "agent-scripted":
        from redhive.engine.agentic.sim.scripted import ScriptedAgent

        return ScriptedAgent(options)
    raise NotFound(f"Unknown simulated agent 'sim:{model}'.")
