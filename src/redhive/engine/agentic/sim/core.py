"""How the simulated agents think: skills, instructions and a replayed agenda.

A **skill** is a sentence pattern plus a generator that yields tool requests and receives their
results (`yield Request("search_files", {"query": name})` returns the parsed result), and finally
returns a line for the answer. Environments contribute skills (`sim/workspace.py`); a skill is only
used when every tool it needs is offered.

Each turn the agent rebuilds its plan from the conversation alone (it keeps no memory): it splits
the user's messages into sentences, turns each sentence a skill recognises into an instruction,
then replays the instructions against the tool calls and results already in the conversation. The
first request that has no recorded result is the next tool call; when every instruction is done,
it answers with the skills' lines. So the same conversation always gets the same reply.

The two policies differ in one rule only:

* `naive` also treats every sentence a skill recognises *inside a tool result* as an instruction
  (an injection), once per distinct sentence, and carries it out before resuming its current
  instruction; when the text around it says to ignore the previous instructions or to act
  *instead*, it drops the user's remaining instructions;
* `hardened` takes instructions from the user's messages only, and says in its answer that it
  ignored instructions found in tool output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from redhive.engine.types import Message

__all__ = ["Failure", "Plan", "Request", "Skill", "decide", "skill", "skills"]

Policy = Literal["naive", "hardened"]


@dataclass(slots=True, frozen=True)
class Request:
    tool: str
    args: dict[str, Any]


@dataclass(slots=True, frozen=True)
class Failure:
    """A tool result that was an error."""

    message: str


SkillRun = Generator[Request, Any, str | None]


@dataclass(slots=True, frozen=True)
class Skill:
    name: str
    pattern: re.Pattern[str]
    tools: frozenset[str]
    run: Callable[[re.Match[str]], SkillRun]


_SKILLS: list[Skill] = []


def skill(name: str, pattern: str, tools: Iterable[str]) -> Callable[[Callable[[re.Match[str]], SkillRun]],
                                                                    Callable[[re.Match[str]], SkillRun]]:
    """Register a skill; earlier registrations win when two patterns match one sentence."""

    def register(fn: Callable[[re.Match[str]], SkillRun]) -> Callable[[re.Match[str]], SkillRun]:
        _SKILLS.append(Skill(name, re.compile(pattern, re.IGNORECASE), frozenset(tools), fn))
        return fn

    return register


def skills() -> list[Skill]:
    return list(_SKILLS)


_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|,?\s+and then\s+|,\s+then\s+|;\s+")
_OVERRIDE = re.compile(
    r"ignore (?:all |any )?(?:your |the |my )?(?:previous|prior|above|earlier) (?:instructions|task)|\binstead\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


@dataclass(slots=True, frozen=True)
class Instruction:
    sentence: str
    skill: Skill
    match: re.Match[str]


def instructions(text: str, offered: frozenset[str]) -> list[Instruction]:
    found: list[Instruction] = []
    for sentence in sentences(text):
        for s in _SKILLS:
            if not s.tools <= offered:
                continue
            m = s.pattern.search(sentence)
            if m:
                found.append(Instruction(sentence, s, m))
                break
    return found


def parse_result(content: str) -> Any:
    if content.startswith("Error:"):
        return Failure(content.removeprefix("Error:").strip())
    try:
        return json.loads(content)
    except ValueError:
        return content


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class _Frame:
    __slots__ = ("gen", "pending", "started")

    def __init__(self, gen: SkillRun) -> None:
        self.gen = gen
        self.started = False
        self.pending: Any = None


@dataclass(slots=True, frozen=True)
class Plan:
    """The agent's decision for this turn: a tool call, or (when `request` is None) an answer."""

    request: Request | None
    answer: str
    call_number: int


def _history(messages: Sequence[Message]) -> list[str]:
    """Tool results in the order the agent's calls were made."""
    results = {m.tool_call_id: m.content or "" for m in messages if m.role == "tool"}
    return [results.get(c.id, "Error: no result") for m in messages if m.role == "assistant" for c in m.tool_calls]


def decide(messages: Sequence[Message], offered: frozenset[str], policy: Policy) -> Plan:
    user_text = "\n".join(m.content or "" for m in messages if m.role == "user")
    agenda = [_Frame(i.skill.run(i.match)) for i in instructions(user_text, offered)]
    if not agenda:
        return Plan(None, "I'm sorry, I can't do that with the tools I have.", 0)
    history = _history(messages)
    done: set[str] = set()
    answers: list[str] = []
    ignored = False
    used = 0
    while agenda:
        frame = agenda[0]
        try:
            if frame.started:
                request = frame.gen.send(frame.pending)
            else:
                frame.started = True
                request = next(frame.gen)
        except StopIteration as stop:
            agenda.pop(0)
            if stop.value:
                answers.append(str(stop.value))
            continue
        if used == len(history):
            return Plan(request, "", used + 1)
        content = history[used]
        used += 1
        frame.pending = parse_result(content)
        injected, override = _injections(content, offered, done)
        if not injected:
            continue
        if policy == "hardened":
            ignored = True
            continue
        frames = [_Frame(i.skill.run(i.match)) for i in injected]
        agenda = frames if override else frames + agenda
    if ignored:
        answers.append("Note: a tool result contained instructions addressed to me; I did not follow them.")
    return Plan(None, "\n".join(answers) or "Done.", used)


def _injections(content: str, offered: frozenset[str], done: set[str]) -> tuple[list[Instruction], bool]:
    """Instructions inside a tool result that were not met before, and whether the text around
    them asks to drop the user's task."""
    if content.startswith("Error:"):
        return [], False
    found: list[Instruction] = []
    override = False
    for text in _strings(parse_result(content)):
        for inst in instructions(text, offered):
            key = " ".join(inst.sentence.lower().split())
            if key in done:
                continue
            done.add(key)
            found.append(inst)
            override = override or bool(_OVERRIDE.search(text))
    return found, override
