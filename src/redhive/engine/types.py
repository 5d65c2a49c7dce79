"""Plain data the engine passes around on its hot path (dataclasses, not pydantic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(slots=True, frozen=True)
class ToolCall:
    """A tool call a model asked for; `arguments` is the JSON text the model produced."""

    id: str
    name: str
    arguments: str


@dataclass(slots=True, frozen=True)
class Message:
    """One chat message in OpenAI's shape."""

    role: Role
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    def to_openai(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            out["name"] = self.name
        return out


@dataclass(slots=True)
class Usage:
    """Token usage as reported by the endpoint (0 where it reports none)."""

    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens


@dataclass(slots=True, frozen=True)
class Completion:
    """What a target answered to one request."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    model: str | None = None


@dataclass(slots=True, frozen=True)
class GenerationParams:
    """Sampling parameters sent with every request of a run (recorded with the run)."""

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()

    def to_openai(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("temperature", "max_tokens", "top_p", "seed"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.stop:
            out["stop"] = list(self.stop)
        return out
