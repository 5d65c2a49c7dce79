"""Simulated targets `sim:naive`, `sim:guarded`, `sim:hardened`: deterministic models with planted
weaknesses (DESIGN §7, docs/sim-targets.md), so scans work offline and tests have ground truth;
`sim:judge`, a simulated judge model for the judge scorer (see `sim/judge.py`); and `sim:attacker`,
a simulated attacker model for the multi-turn strategies (see `sim/attacker.py`).

`--target-option stateful=true` makes a sim keep each conversation's history itself (a stateful
target: multi-turn attacks then send it only the newest turn)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.targets.sim.attacker import SimAttacker
from redhive.engine.targets.sim.behaviour import BEHAVIOURS, respond
from redhive.engine.targets.sim.judge import SimJudge
from redhive.engine.targets.sim.reading import read
from redhive.engine.types import Completion, GenerationParams, Message, Usage
from redhive.errors import NotFound

__all__ = ["SimTarget"]


class SimTarget(Target):
    """A simulated chat model. `extra={"latency_ms": N}` adds a fixed delay per request;
    `extra={"stateful": True}` makes it keep conversations itself (`converse`). A simulated
    model reads the system prompt it is sent."""

    honours_system_prompt = True

    def __init__(self, model: str, options: TargetOptions) -> None:
        super().__init__(f"sim:{model}", options)
        self.model = model
        self.latency = float(options.extra.get("latency_ms", 0)) / 1000
        self.stateful = options.extra.get("stateful") in (True, "true", "1", 1)
        self._histories: dict[str, list[Message]] = {}

    async def converse(self, conversation: str, messages: Sequence[Message], *,
                       params: GenerationParams) -> Completion:
        if not self.stateful:
            return await super().converse(conversation, messages, params=params)
        history = self._histories.setdefault(conversation, [])
        history.extend(messages)
        completion = await self.generate(history, params=params)
        history.append(Message("assistant", completion.text))
        return completion

    async def forget(self, conversation: str) -> None:
        self._histories.pop(conversation, None)

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        if self.latency:
            await asyncio.sleep(self.latency)
        text = respond(self.model, read(messages))
        prompt_chars = sum(len(m.content or "") for m in messages)
        # Simulated token counts: about four characters per token.
        usage = Usage(input_tokens=prompt_chars // 4 + 1, output_tokens=len(text) // 4 + 1)
        return Completion(text=text, usage=usage, finish_reason="stop", model=self.spec)


# The simulated agents and user live with the agentic engine, imported only when one is asked for.
AGENT_MODELS = ("agent-naive", "agent-hardened", "agent-scripted", "user")


@target("sim")
def create(model: str, options: TargetOptions) -> Target:
    if model in AGENT_MODELS:
        from redhive.engine.agentic.sim import create as create_agent

        return create_agent(model, options)
    if model == "judge":
        return SimJudge(options)
    if model == "attacker":
        return SimAttacker(options)
    if model not in BEHAVIOURS:
        known = ", ".join("sim:" + m for m in [*BEHAVIOURS, "judge", "attacker", *AGENT_MODELS])
        raise NotFound(f"Unknown simulated target 'sim:{model}'. Known: {known}.")
    return SimTarget(model, options)
