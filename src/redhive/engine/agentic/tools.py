"""Tools: typed Python functions over the environment state.

    @tool(irreversible=True, egress=("recipients",))
    def send_email(ctx: ToolContext, recipients: list[str], subject: str, body: str) -> Email:
        \"\"\"Send an e-mail from the user's address.

        Args:
            recipients: addresses to send to.
            subject: the subject line.
            body: the text of the message.
        \"\"\"

The first parameter is the `ToolContext` (state, clock, RNG, id generator); the others become the
tool's JSON schema (from the type hints; descriptions from the docstring's `Args:` section) and
are validated by pydantic before the function runs. Raise `ToolError` for a failure the model
should read (unknown id, bad date); the sandbox rolls back anything the call wrote.

Flags: `readonly` tools (reading, searching) are in scope for every task; `irreversible` marks
tools whose effect cannot be undone (also declared as paths, see `spec.SideEffectSpec`); `egress`
names the arguments holding addresses that data leaves to (checked by the recipient monitor).
"""

from __future__ import annotations

import inspect
import json
import random
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from redhive.engine.agentic.state import State, to_plain

__all__ = ["Clock", "InvalidArguments", "Tool", "ToolContext", "ToolError", "render_result", "tool"]


class ToolError(Exception):
    """A failure the model is told about (the tool result is `Error: <message>`)."""


class InvalidArguments(Exception):
    """The arguments do not fit the tool's schema."""


class Clock:
    """Deterministic time: starts at the environment's start time, advances one tick per call."""

    __slots__ = ("start", "tick", "ticks")

    def __init__(self, start: datetime, tick: float, ticks: int = 0) -> None:
        self.start = start
        self.tick = tick
        self.ticks = ticks

    @property
    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.tick * self.ticks)

    def advance(self) -> None:
        self.ticks += 1


class ToolContext:
    """What a tool function receives besides its arguments."""

    __slots__ = ("clock", "counters", "env_name", "resources", "rng", "state", "user_name")

    def __init__(self, state: State, clock: Clock, rng: random.Random, *, env_name: str, user_name: str) -> None:
        self.state = state
        self.clock = clock
        self.rng = rng
        self.counters: dict[str, int] = {}
        self.env_name = env_name
        self.user_name = user_name
        #: per-episode resources an environment's `setup` attaches (a database connection, say)
        self.resources: dict[str, Any] = {}

    def now(self) -> datetime:
        return self.clock.now

    def now_text(self) -> str:
        """The simulated time as `YYYY-MM-DDTHH:MM`."""
        return self.clock.now.strftime("%Y-%m-%dT%H:%M")

    def new_id(self, table: str, prefix: str | None = None) -> str:
        """A fresh key for `table` (`<prefix>-<n>`, deterministic, never an existing key)."""
        stem = prefix or table
        while True:
            n = self.counters[stem] = self.counters.get(stem, 0) + 1
            key = f"{stem}-{n}"
            if (table, key) not in self.state:
                return key


@dataclass(slots=True, frozen=True)
class Tool:
    name: str
    description: str
    fn: Callable[..., Any]
    arguments: type[BaseModel]
    parameters: dict[str, Any]
    readonly: bool = False
    irreversible: bool = False
    egress: tuple[str, ...] = ()
    param_names: tuple[str, ...] = field(default=())

    def spec(self) -> dict[str, Any]:
        """The OpenAI function-tool description sent to the model."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def validate(self, args: Any) -> dict[str, Any]:
        if not isinstance(args, dict):
            raise InvalidArguments(f"arguments must be a JSON object, not {type(args).__name__}")
        try:
            model = self.arguments.model_validate(args)
        except ValidationError as exc:
            problems = []
            for err in exc.errors()[:5]:
                where = ".".join(str(p) for p in err["loc"]) or "arguments"
                msg = "required argument missing" if err["type"] == "missing" else err["msg"]
                if err["type"] == "extra_forbidden":
                    msg = f"unknown argument (known: {', '.join(self.param_names) or 'none'})"
                problems.append(f"{where}: {msg}")
            raise InvalidArguments("; ".join(problems)) from None
        return {name: getattr(model, name) for name in self.param_names}

    def __call__(self, ctx: ToolContext, **kwargs: Any) -> Any:
        return self.fn(ctx, **kwargs)


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...


@overload
def tool(*, name: str | None = None, readonly: bool = False, irreversible: bool = False,
         egress: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(fn: Callable[..., Any] | None = None, /, *, name: str | None = None, readonly: bool = False,
         irreversible: bool = False, egress: tuple[str, ...] = ()) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Turn a typed function into a `Tool` (see the module docstring)."""

    def build(func: Callable[..., Any]) -> Tool:
        return _build(func, name or func.__name__, readonly=readonly, irreversible=irreversible, egress=egress)

    return build(fn) if fn is not None else build


def render_result(value: Any) -> str:
    """What the model reads: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(to_plain(value), ensure_ascii=False, default=str)


_ARG_LINE = re.compile(r"^\s{2,}(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")


def _parse_doc(doc: str) -> tuple[str, dict[str, str]]:
    lines = doc.splitlines()
    description: list[str] = []
    args: dict[str, str] = {}
    current: str | None = None
    section = "description"
    for line in lines:
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:", "Parameters:"):
            section = "args"
            continue
        if stripped in ("Returns:", "Raises:", "Examples:"):
            section = "other"
            continue
        if section == "description":
            description.append(stripped)
        elif section == "args":
            m = _ARG_LINE.match(line)
            if m:
                current = m.group(1)
                args[current] = m.group(2).strip()
            elif current and stripped:
                args[current] = f"{args[current]} {stripped}"
    text = " ".join(" ".join(description).split())
    return text, args


def _build(fn: Callable[..., Any], name: str, *, readonly: bool, irreversible: bool,
           egress: tuple[str, ...]) -> Tool:
    doc = inspect.getdoc(fn) or ""
    description, arg_docs = _parse_doc(doc)
    if not description:
        raise TypeError(f"tool {name} needs a docstring: it is the description the model reads")
    hints = typing.get_type_hints(fn)
    params = list(inspect.signature(fn).parameters.values())[1:]  # the first one is the context
    fields: dict[str, Any] = {}
    for p in params:
        if p.name not in hints:
            raise TypeError(f"tool {name}: parameter '{p.name}' needs a type hint")
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[p.name] = (hints[p.name], Field(default=default, description=arg_docs.get(p.name)))
    for arg in egress:
        if arg not in fields:
            raise TypeError(f"tool {name}: egress names '{arg}', which is not a parameter")
    model = create_model(f"{name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    schema = _clean(model.model_json_schema())
    schema.setdefault("properties", {})
    schema.setdefault("required", [])
    return Tool(name, description, fn, model, schema, readonly, irreversible, tuple(egress), tuple(fields))


def _clean(node: Any, *, in_properties: bool = False) -> Any:
    """Drop pydantic's `title` keys (noise to a model) but keep properties that are called title."""
    if isinstance(node, dict):
        return {
            k: _clean(v, in_properties=(k in ("properties", "$defs") and not in_properties))
            for k, v in node.items()
            if in_properties or k != "title"
        }
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node
