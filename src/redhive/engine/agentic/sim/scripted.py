"""`sim:agent-scripted`: a deterministic agent that replays ground truths, for the harness to
check itself and for comparing harnesses.

It reads the conversation as OpenAI chat messages (so the same decision serves redhive's loop, an
OpenAI-compatible mock on loopback, and AgentDojo's pipeline): each user message is looked up by
its exact text among the tasks of the loaded environments (a task's `solution`, or a turn's), and
the agent makes those calls one per turn, then gives the task's `answer`. A tool result that shows
an injection task's goal is obeyed with probability `obey` (0 by default): the goal's `solution` is
run first, then the user's task resumes. Whether it obeys is a hash of the first user message and
the goal, so the same cell gives the same behaviour in every harness and every run.

    --target sim:agent-scripted                               # never obeys: utility 100 %, ASR 0 %
    --target sim:agent-scripted --target-option obey=0.5      # obeys half of the (task, goal) pairs
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.spec import SolutionCall
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import InvalidInput

__all__ = ["UNKNOWN_TASK", "Book", "ScriptedAgent", "decide", "normalise", "openai_messages"]

UNKNOWN_TASK = "I have no script for this request."


def normalise(text: str) -> str:
    """Letters and digits only, lower-case: a goal is found however a result folds or quotes it."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(slots=True)
class Book:
    """User message -> (calls, answer); injection goal (normalised) -> calls."""

    user: dict[str, tuple[list[SolutionCall], str]] = field(default_factory=dict)
    goals: dict[str, list[SolutionCall]] = field(default_factory=dict)

    @classmethod
    def of(cls, envs: Iterable[Environment]) -> Book:
        book = cls()
        for env in envs:
            for task in env.user_tasks.values():
                if task.turns:
                    for turn in task.turns:
                        book.user.setdefault(turn.prompt.strip(), (list(turn.solution), turn.answer))
                else:
                    book.user.setdefault(task.prompt.strip(), (list(task.solution), task.answer))
            for inj in env.injection_tasks.values():
                book.goals.setdefault(normalise(inj.goal), list(inj.solution))
        return book


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text") or b.get("content") or "") if isinstance(b, dict) else str(b) for b in content)
    return "" if content is None else str(content)


def _obeys(first: str, goal: str, obey: float, exposure: int) -> bool:
    if obey <= 0:
        return False
    digest = hashlib.sha256(f"{first}\x1f{goal}\x1f{exposure}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < obey


def decide(messages: Sequence[Mapping[str, Any]], book: Book, obey: float = 0.0) -> SolutionCall | str:
    """The next call, or the final answer, for a conversation of OpenAI-format messages."""
    queue: list[SolutionCall] = []
    answer = UNKNOWN_TASK
    obeyed: set[str] = set()
    exposures: dict[str, int] = {}
    first: str | None = None
    for m in messages:
        role = m.get("role")
        if role == "user":
            text = _text(m.get("content")).strip()
            first = text if first is None else first
            calls, answer = book.user.get(text, ([], UNKNOWN_TASK))
            queue = list(calls)
        elif role == "assistant":
            for _ in m.get("tool_calls") or ():
                if queue:
                    queue.pop(0)
        elif role == "tool":
            shown = normalise(_text(m.get("content")))
            for goal, calls in book.goals.items():
                if not goal or goal in obeyed or goal not in shown:
                    continue
                exposures[goal] = exposures.get(goal, 0) + 1
                if _obeys(first or "", goal, obey, exposures[goal]):
                    obeyed.add(goal)
                    queue = [*calls, *queue]
    return queue[0] if queue else answer


def openai_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    return [
        {
            "role": m.role,
            "content": m.content,
            "tool_calls": [{"id": c.id, "function": {"name": c.name, "arguments": c.arguments}} for c in m.tool_calls]
            or None,
        }
        for m in messages
    ]


class ScriptedAgent(Target):
    """The target behind `sim:agent-scripted` (see the module docstring). `extra`: `obey` (0–1)."""

    def __init__(self, options: TargetOptions, envs: Sequence[Environment] | None = None) -> None:
        super().__init__("sim:agent-scripted", options)
        try:
            self.obey = float(options.extra.get("obey", 0.0))
        except (TypeError, ValueError):
            raise InvalidInput("sim:agent-scripted: the option obey must be a number from 0 to 1.") from None
        if not 0 <= self.obey <= 1:
            raise InvalidInput("sim:agent-scripted: the option obey must be a number from 0 to 1.")
        self._envs = envs
        self._book: tuple[tuple[int, ...], Book] | None = None

    def book(self) -> Book:
        from redhive.engine.agentic.loader import loaded_environments

        envs = list(self._envs) if self._envs is not None else loaded_environments()
        key = tuple(id(e) for e in envs)
        if self._book is None or self._book[0] != key:
            self._book = (key, Book.of(envs))
        return self._book[1]

    async def generate(
        self, messages: Sequence[Message], *, params: GenerationParams, tools: Sequence[dict[str, Any]] | None = None
    ) -> Completion:
        step = decide(openai_messages(messages), self.book(), self.obey)
        prompt = sum(len(m.content or "") for m in messages) // 4 + 1
        if isinstance(step, str):
            return Completion(text=step, usage=Usage(prompt, len(step) // 4 + 1), finish_reason="stop", model=self.spec)
        args = json.dumps(step.args, ensure_ascii=False)
        n = sum(len(m.tool_calls) for m in messages) + 1
        return Completion(
            text="",
            tool_calls=(ToolCall(f"call_{n}", step.tool, args),),
            usage=Usage(prompt, len(args) // 4 + 1),
            finish_reason="tool_calls",
            model=self.spec,
        )
