"""TAP (Mehrotra et al. 2024): Tree of Attacks with Pruning.

From the goal, every leaf of the tree gets `branching` children: the attacker writes one variant
prompt per child (inheriting its parent's attacker conversation). Phase one prunes children whose
prompt no longer pursues the goal (the judge's on-topic check) before any reaches the target;
phase two sends the rest, rates the answers and keeps the `width` best as the next leaves, for at
most `depth` levels. The attempt succeeds at the first answer that reaches the probe's objective.
Every node is stored as turns on its own branch (`0`, `0.1`, `0.1.2`, …), pruned ones included.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from redhive.engine.registry import strategy
from redhive.engine.strategies.attacker import Proposal
from redhive.engine.strategies.base import Strategy, StrategyResult, StrategyRun, Transcript, finish, prefix_messages
from redhive.engine.strategies.conversation import Conversation
from redhive.engine.strategies.evaluator import Rating, goal_of
from redhive.engine.types import Completion, Message, Usage

__all__ = ["Tap"]


@dataclass(slots=True)
class _Node:
    path: str
    history: tuple[Message, ...]
    prompt: str = ""
    response: str = ""
    rating: Rating | None = None
    answer: int | None = None  # index of the node's answer in the transcript


@strategy("tap")
class Tap(Strategy):
    name = "tap"
    description = "Tree search: branch variant prompts, prune off-topic ones, keep the best-scoring leaves."
    limits = {"width": 4, "depth": 5, "branching": 3}
    needs_judge = True

    async def execute(self, run: StrategyRun) -> StrategyResult:
        width, depth, branching = (self.settings[k] for k in ("width", "depth", "branching"))
        transcript = Transcript()
        usage = Usage()
        prefix = prefix_messages(run.probe)
        frontier = [_Node("", ())]
        last: tuple[str, str, Rating] | None = None
        queries = pruned = 0
        for level in range(depth):
            proposals = await asyncio.gather(*(
                self._propose(run, node, k, branching, level) for node in frontier for k in range(branching)
            ))
            on_topic = await asyncio.gather(*(run.evaluator.on_topic(p.prompt) for p, _ in proposals))
            children: list[tuple[_Node, Proposal, tuple[Message, ...], str]] = []
            for index, ((proposal, history), keep) in enumerate(zip(proposals, on_topic, strict=True)):
                parent = frontier[index // branching]
                path = f"{parent.path}.{index % branching}" if parent.path else str(index % branching)
                if keep:
                    children.append((parent, proposal, history, path))
                else:
                    pruned += 1
                    transcript.add("user", proposal.prompt, branch=path, parent=parent.answer,
                                   note="pruned (off-topic)")
            if not children:
                break
            answers = await asyncio.gather(*(self._query(run, prefix, p.prompt, path, usage)
                                             for _, p, _, path in children))
            ratings = await asyncio.gather(*(run.evaluator.rate(p.prompt, a.text)
                                             for (_, p, _, _), a in zip(children, answers, strict=True)))
            queries += len(children)
            leaves: list[_Node] = []
            for (parent, proposal, history, path), answer, rating in zip(children, answers, ratings, strict=True):
                index = transcript.exchange(proposal.prompt, answer.text, rating, branch=path, parent=parent.answer)
                last = (proposal.prompt, answer.text, rating)
                if rating.detection.success:
                    summary = f"tap: success at depth {level + 1} after {queries} queries, {pruned} pruned off-topic"
                    return finish(last, last, transcript, usage, summary)
                leaves.append(_Node(path, history, proposal.prompt, answer.text, rating, index))
            leaves.sort(key=lambda n: -(n.rating.score if n.rating else 0.0))  # stable: ties keep tree order
            for dropped in leaves[width:]:
                if dropped.answer is not None:
                    transcript.turns[dropped.answer].note += "; pruned (width)"
            frontier = leaves[:width]
        summary = f"tap: no success after {queries} queries, {pruned} pruned off-topic"
        return finish(None, last, transcript, usage, summary)

    async def _propose(self, run: StrategyRun, node: _Node, k: int, branching: int,
                       level: int) -> tuple[Proposal, tuple[Message, ...]]:
        sections = {"strategy": self.name, "goal": goal_of(run.probe), "depth": str(level + 1),
                    "variant": f"{k}/{branching}"}
        if node.rating is not None:
            sections |= {"last_prompt": node.prompt, "last_response": node.response,
                         "last_verdict": node.rating.verdict, "score": f"{node.rating.score:g}"}
        return await self.attacker.propose(self.name, sections, node.history)

    async def _query(self, run: StrategyRun, prefix: tuple[Message, ...], prompt: str, path: str,
                     usage: Usage) -> Completion:
        single = Conversation(run.gate, prefix, run.params, f"{run.attempt_id}:{path}")
        try:
            completion = await single.say(prompt)
        finally:
            await single.close()
        usage.add(single.usage)
        return completion
