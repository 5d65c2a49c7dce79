"""Scripted multi-turn sequences: a probe's `turns`, sent one by one as one conversation.

Each turn is converted by the attack chain, sent with the conversation so far (or only itself to
a stateful target), and its answer heard before the next. A turn's `expect` (`refused` or
`answered`) is checked against redhive's refusal detector and stored as the turn's score (1 met,
0 not met). The verdict is the probe's detector over every answer, as for any probe.
"""

from __future__ import annotations

from redhive.engine.converters.base import Chain
from redhive.engine.records import TurnRecord
from redhive.engine.resilience import TargetGate
from redhive.engine.scorers.refusal import is_refusal
from redhive.engine.strategies.base import Transcript, prefix_messages
from redhive.engine.strategies.conversation import Conversation
from redhive.engine.suites.schema import Probe
from redhive.engine.types import GenerationParams, Usage

__all__ = ["run_script"]


async def run_script(probe: Probe, chain: Chain, gate: TargetGate, params: GenerationParams,
                     key: str) -> tuple[list[str], list[str], list[TurnRecord], Usage, list[str]]:
    """(prompts sent, answers, turns, usage, unmet expectations). Raises `TargetError` as sent."""
    conversation = Conversation(gate, prefix_messages(probe), params, key)
    transcript = Transcript()
    prompts: list[str] = []
    answers: list[str] = []
    unmet: list[str] = []
    parent: int | None = None
    try:
        for number, turn in enumerate(probe.turns, start=1):
            text = probe.fill(turn.content)
            prompt = await chain.aconvert(text) if chain.needs_helper else chain.convert(text)
            completion = await conversation.say(prompt)
            prompts.append(prompt)
            answers.append(completion.text)
            asked = transcript.add("user", prompt, parent=parent)
            score: float | None = None
            note = ""
            if turn.expect is not None:
                refused = is_refusal(completion.text)
                met = refused == (turn.expect == "refused")
                score, note = (1.0 if met else 0.0), f"expected {turn.expect}: {'met' if met else 'not met'}"
                if not met:
                    unmet.append(f"turn {number} expected {turn.expect}")
            parent = transcript.add("assistant", completion.text, parent=asked, score=score, note=note)
    finally:
        await conversation.close()
    return prompts, answers, transcript.turns, conversation.usage, unmet
