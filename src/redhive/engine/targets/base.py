"""The Target protocol every model adapter implements, and how specs `kind:name` become targets."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine import registry
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import InvalidInput

__all__ = ["Target", "TargetOptions", "create_target", "parse_spec"]


@dataclass(slots=True, frozen=True)
class TargetOptions:
    """Connection and pacing options shared by every target kind.

    `concurrency` and `rpm` are enforced by the runner per target; `timeout` and retries by
    the runner's resilient call (see `redhive.engine.resilience`).
    """

    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    concurrency: int = 16
    rpm: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Target(abc.ABC):
    """A model reachable by chat messages. Adapters raise `TargetError` subclasses on failure."""

    #: True when the target keeps its own conversation history (send only the newest turn).
    stateful: bool = False

    def __init__(self, spec: str, options: TargetOptions) -> None:
        self.spec = spec
        self.options = options

    @abc.abstractmethod
    async def generate(
        self,
        messages: Sequence[Message],
        *,
        params: GenerationParams,
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> Completion:
        """Answer one conversation."""

    async def converse(self, conversation: str, messages: Sequence[Message], *,
                       params: GenerationParams) -> Completion:
        """Stateful targets only: answer the newest `messages` of `conversation`, whose earlier turns
        the target keeps itself (the first call of a conversation carries its system prompt and
        pre-filled turns too). Multi-turn attacks call this instead of `generate` when `stateful`."""
        raise NotImplementedError(f"{self.spec} keeps no conversation history of its own.")

    async def forget(self, conversation: str) -> None:  # noqa: B027 - optional hook
        """Stateful targets: drop a finished conversation's history."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the runner calls it once at the end."""

    def describe(self) -> dict[str, Any]:
        """What is recorded about the target with a run (never the API key)."""
        return {"spec": self.spec, "base_url": self.options.base_url}


def parse_spec(spec: str) -> tuple[str, str]:
    kind, sep, name = spec.partition(":")
    if not sep or not kind or not name:
        raise InvalidInput(
            f"Target '{spec}' is not of the form kind:name (for example sim:naive or openai:gpt-4o-mini)."
        )
    return kind, name


def create_target(spec: str, options: TargetOptions | None = None) -> Target:
    kind, name = parse_spec(spec)
    factory = registry.get("target", kind)
    target: Target = factory(name, options or TargetOptions())
    return target
