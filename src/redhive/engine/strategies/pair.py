"""PAIR (Chao et al. 2023): Prompt Automatic Iterative Refinement.

`streams` independent streams; in each, the attacker writes a complete prompt, the target answers
it as a fresh single exchange, the judge scores it, and the attacker — who keeps its own
conversation of earlier rounds — refines the prompt, for at most `max_turns` rounds. The attempt
succeeds at the first answer that reaches the probe's objective.
"""

from __future__ import annotations

from redhive.engine.registry import strategy
from redhive.engine.strategies.base import Strategy, StrategyResult, StrategyRun, Transcript, finish, prefix_messages
from redhive.engine.strategies.conversation import Conversation
from redhive.engine.strategies.evaluator import Rating, goal_of
from redhive.engine.types import Message, Usage

__all__ = ["Pair"]


@strategy("pair")
class Pair(Strategy):
    name = "pair"
    description = "Iterative refinement: the attacker rewrites one prompt per round from the judge's score."
    limits = {"streams": 3, "max_turns": 3}
    needs_judge = True

    async def execute(self, run: StrategyRun) -> StrategyResult:
        transcript = Transcript()
        usage = Usage()
        prefix = prefix_messages(run.probe)
        last: tuple[str, str, Rating] | None = None
        best: tuple[str, str, Rating] | None = None
        queries = 0
        for stream in range(self.settings["streams"]):
            history: tuple[Message, ...] = ()
            previous: tuple[str, str, Rating] | None = None
            parent: int | None = None
            for _ in range(self.settings["max_turns"]):
                sections = {"strategy": self.name, "goal": goal_of(run.probe), "stream": str(stream)}
                if previous is not None:
                    sections |= {"last_prompt": previous[0], "last_response": previous[1],
                                 "last_verdict": previous[2].verdict, "score": f"{previous[2].score:g}"}
                proposal, history = await self.attacker.propose(self.name, sections, history)
                single = Conversation(run.gate, prefix, run.params, f"{run.attempt_id}:s{stream}:{queries}")
                try:
                    completion = await single.say(proposal.prompt)
                finally:
                    await single.close()
                usage.add(single.usage)
                queries += 1
                rating = await run.evaluator.rate(proposal.prompt, completion.text)
                previous = last = (proposal.prompt, completion.text, rating)
                parent = transcript.exchange(proposal.prompt, completion.text, rating, branch=f"s{stream}",
                                             parent=parent)
                if rating.detection.success:
                    best = last
                    break
            if best is not None:
                break
        state = f"success in stream {stream}" if best else "no success"
        return finish(best, last, transcript, usage, f"pair: {state} after {queries} queries")
