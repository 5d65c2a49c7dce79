"""Test targets for the agent loop: scripted turns, endless tool use, slowness, failures."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall
from redhive.errors import TargetAuthError, TargetRejected


def call(name: str, arguments: str, call_id: str = "") -> ToolCall:
    return ToolCall(call_id, name, arguments)


class LoopingTarget(Target):
    """Never stops calling a harmless tool."""

    def __init__(self, spec: str = "test:looping") -> None:
        super().__init__(spec, TargetOptions(max_retries=0))
        self.calls = 0

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        self.calls += 1
        return Completion("", (call("list_files", "{}", f"loop_{self.calls}"),))


class SlowTarget(Target):
    def __init__(self, delay: float, spec: str = "test:slow") -> None:
        super().__init__(spec, TargetOptions(max_retries=0, timeout=60))
        self.delay = delay

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        await asyncio.sleep(self.delay)
        return Completion("", (call("list_files", "{}", "slow"),))


class FailingTarget(Target):
    """Rejects every request; `fatal` makes it a credentials failure that stops a scan."""

    def __init__(self, *, fatal: bool = False, spec: str = "test:failing") -> None:
        super().__init__(spec, TargetOptions(max_retries=0))
        self.fatal = fatal

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        if self.fatal:
            raise TargetAuthError("test endpoint refused the credentials (HTTP 401).")
        raise TargetRejected("test endpoint rejected the request (HTTP 400).")


class EchoToolsTarget(Target):
    """Answers at once, remembering the tool specs it was offered."""

    def __init__(self) -> None:
        super().__init__("test:echo", TargetOptions(max_retries=0))
        self.tools: list[dict[str, Any]] = []

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        self.tools = list(tools or ())
        return Completion("Nothing to do.")
