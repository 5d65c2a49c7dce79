"""Crescendo (Russinovich et al. 2024): a gradual, multi-turn escalation that builds on the
target's own answers, with backtracking.

Each turn the attacker proposes the next user message; the target answers with the whole kept
conversation in view. A refusal is backtracked: the exchange is erased from the target's view (a
stateful target gets a fresh conversation) and the attacker, told of the refusal, tries again —
at most `max_backtracks` times, after which refusals stay in the conversation. The attempt ends
at the first answer that reaches the probe's objective, or after `max_turns` kept turns.
"""

from __future__ import annotations

from redhive.engine.registry import strategy
from redhive.engine.strategies.base import Strategy, StrategyResult, StrategyRun, Transcript, finish, prefix_messages
from redhive.engine.strategies.conversation import Conversation
from redhive.engine.strategies.evaluator import Rating, goal_of
from redhive.engine.types import Message, Usage

__all__ = ["Crescendo"]


@strategy("crescendo")
class Crescendo(Strategy):
    name = "crescendo"
    description = "Gradual escalation over many turns that builds on the target's answers; backtracks refusals."
    limits = {"max_turns": 10, "max_backtracks": 10}
    may_be_zero = frozenset({"max_backtracks"})

    async def execute(self, run: StrategyRun) -> StrategyResult:
        max_turns, max_backtracks = self.settings["max_turns"], self.settings["max_backtracks"]
        conversation = Conversation(run.gate, prefix_messages(run.probe), run.params, run.attempt_id)
        transcript = Transcript()
        history: tuple[Message, ...] = ()
        last: tuple[str, str, Rating] | None = None
        best: tuple[str, str, Rating] | None = None
        backtracks = answered = kept = 0
        parent: int | None = None  # the last kept answer: what the next turn follows
        try:
            while kept < max_turns:
                sections = {"strategy": self.name, "goal": goal_of(run.probe), "turn": str(kept + 1),
                            "max_turns": str(max_turns), "answered": str(answered)}
                if last is not None:
                    sections |= {"last_prompt": last[0], "last_response": last[1], "last_verdict": last[2].verdict,
                                 "score": f"{last[2].score:g}"}
                proposal, history = await self.attacker.propose(self.name, sections, history)
                completion = await conversation.say(proposal.prompt)
                rating = await run.evaluator.rate(proposal.prompt, completion.text)
                last = (proposal.prompt, completion.text, rating)
                if rating.detection.success:
                    transcript.exchange(proposal.prompt, completion.text, rating, parent=parent)
                    best = last
                    break
                if rating.refused and backtracks < max_backtracks:
                    backtracks += 1
                    transcript.exchange(proposal.prompt, completion.text, rating, parent=parent, note="backtracked")
                    await conversation.rewind()
                    continue
                parent = transcript.exchange(proposal.prompt, completion.text, rating, parent=parent)
                kept += 1
                answered += 0 if rating.refused else 1
        finally:
            await conversation.close()
        usage = Usage()
        usage.add(conversation.usage)
        sent = sum(1 for t in transcript.turns if t.role == "user")
        state = "success" if best else "no success"
        summary = f"crescendo: {state} after {sent} turns sent, {backtracks} backtracked"
        return finish(best, last, transcript, usage, summary)
