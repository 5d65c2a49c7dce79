"""The Target protocol every model adapter implements, and how specs `kind:name` become targets."""

from __future__ import annotations

import abc
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine import registry
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import InvalidInput

__all__ = ["Target", "TargetOptions", "api_key_for", "create_target", "parse_spec"]


@dataclass(slots=True, frozen=True)
class TargetOptions:
    """Connection and pacing options shared by every target kind.

    `concurrency` and `rpm` are enforced by the runner per target; `timeout` and retries by
    the runner's resilient call (see `redhive.engine.resilience`). The key is `api_key`, else the
    environment variable `api_key_env` names (see `api_key_for`).
    """

    base_url: str | None = None
    api_key: str | None = None
    api_key_env: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    concurrency: int = 16
    rpm: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Target(abc.ABC):
    """A model reachable by chat messages. Adapters raise `TargetError` subclasses on failure."""

    #: True when the target keeps its own conversation history (send only the newest turn).
    stateful: bool = False
    #: Whether it follows the system prompt it is sent (a model) or keeps its own (an application);
    #: None: the scan finds out with a handshake (`redhive.engine.targets.profile`).
    honours_system_prompt: bool | None = None

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


def api_key_for(options: TargetOptions, provider_env: str) -> str | None:
    """The key to send, by one precedence for every role (target, judge, attacker, helper):
    the key given, else the variable `api_key_env` names, else the provider's own variable
    (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`) — but that one only when no base URL was given, since it
    belongs to the provider's endpoint (or `OPENAI_BASE_URL`'s). A key is thus only ever sent to
    the endpoint it was given for: never the target's key to a judge, never an OpenAI key to a
    server under test."""
    if options.api_key:
        return options.api_key
    if options.api_key_env:
        value = os.environ.get(options.api_key_env)
        if not value:
            raise InvalidInput(
                f"The environment variable {options.api_key_env}, named as the API key's source, is not set: "
                f"export it, or name another with the --…-api-key-env option."
            )
        return value
    return os.environ.get(provider_env) if options.base_url is None else None


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
