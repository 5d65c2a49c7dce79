"""`anthropic:<model>`: Anthropic's Messages API through the official `anthropic` SDK (the optional
`anthropic` extra), including tool use.

Key and base URL come from the options (CLI flags) or ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL. The SDK
is imported only when a target is created, so this module imports without the extra. The SDK's own
retries are off: redhive's `TargetGate` retries, honouring Retry-After.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions, api_key_for
from redhive.engine.targets.openai_compat import parse_retry_after
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import (
    OptionalDependencyMissing,
    TargetAuthError,
    TargetError,
    TargetRejected,
    TargetUnreachable,
    TransientTargetError,
)

__all__ = ["DEFAULT_MAX_TOKENS", "AnthropicTarget", "to_anthropic_messages", "to_anthropic_tools"]

#: The Messages API requires max_tokens; used when a run sets none.
DEFAULT_MAX_TOKENS = 1024


def _import_sdk() -> Any:
    try:
        import anthropic
    except ImportError:
        raise OptionalDependencyMissing("The anthropic: target", "anthropic") from None
    return anthropic


class AnthropicTarget(Target):
    honours_system_prompt = True  # the Messages API serves a model: the system prompt is the caller's

    def __init__(self, model: str, options: TargetOptions) -> None:
        sdk = _import_sdk()
        super().__init__(f"anthropic:{model}", options)
        self.model = model
        self._sdk = sdk
        key = api_key_for(options, "ANTHROPIC_API_KEY")
        kwargs: dict[str, Any] = {
            "max_retries": 0,
            # The runner owns the overall timeout; the SDK's only bounds connecting.
            "timeout": sdk.Timeout(None, connect=min(10.0, options.timeout)),
        }
        if key or options.base_url:  # "": the SDK must not fall back to ANTHROPIC_API_KEY (api_key_for)
            kwargs["api_key"] = key or ""
        if options.base_url:
            kwargs["base_url"] = options.base_url
        no_key = (f"No Anthropic API key for {self.spec}: pass --api-key or --api-key-env, or set ANTHROPIC_API_KEY "
                  "(read only when no --base-url is given).")
        try:
            self.client: Any = sdk.AsyncAnthropic(**kwargs)
        except sdk.AnthropicError as exc:  # e.g. no key and no readable credentials profile
            raise TargetAuthError(f"{no_key[:-1]} ({_first_line(exc)}).") from None
        self.base_url = str(self.client.base_url).rstrip("/")
        if not (getattr(self.client, "api_key", None) or getattr(self.client, "auth_token", None)
                or getattr(self.client, "credentials", None)):
            raise TargetAuthError(no_key)

    def describe(self) -> dict[str, Any]:
        return {"spec": self.spec, "base_url": self.base_url}

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        system, turns = to_anthropic_messages(messages)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": params.max_tokens if params.max_tokens is not None else DEFAULT_MAX_TOKENS,
        }
        if system:
            body["system"] = system
        # Sampling knobs go in the raw body: SDK releases differ in which of them they accept as
        # arguments, and the API answers 400 (TargetRejected) where a model takes none. No seed exists.
        sampling = {k: v for k, v in (("temperature", params.temperature), ("top_p", params.top_p))
                    if v is not None}
        if sampling:
            body["extra_body"] = sampling
        if params.stop:
            body["stop_sequences"] = list(params.stop)
        if tools:
            body["tools"] = to_anthropic_tools(tools)
        try:
            response = await self.client.messages.create(**body)
        except self._sdk.AnthropicError as exc:
            raise self._translate(exc) from None
        return _completion(response)

    def _translate(self, exc: Exception) -> TargetError:
        """One redhive error for an SDK error (see `redhive.errors` for the tree)."""
        sdk = self._sdk
        if isinstance(exc, sdk.APIStatusError):
            status = exc.status_code
            detail = _detail(exc)
            if status in (401, 403):
                return TargetAuthError(
                    f"{self.base_url} refused the credentials (HTTP {status}): "
                    "check --api-key or ANTHROPIC_API_KEY."
                )
            if status in (408, 429) or status >= 500:
                return TransientTargetError(
                    f"{self.base_url} answered HTTP {status}{detail}.",
                    retry_after=parse_retry_after(exc.response.headers.get("retry-after")),
                )
            if status == 404:
                return TargetRejected(
                    f"{self.base_url} answered 404{detail}: check --base-url and the model name "
                    f"'{self.model}'.",
                    fatal=True,
                )
            return TargetRejected(f"{self.base_url} rejected the request (HTTP {status}){detail}.")
        if isinstance(exc, sdk.APITimeoutError):
            return TransientTargetError(f"{self.base_url} timed out.")
        if isinstance(exc, sdk.APIConnectionError):
            if _refused(exc):
                return TargetUnreachable(
                    f"Cannot reach {self.base_url}: check --base-url and that the server is running."
                )
            return TransientTargetError(f"The connection to {self.base_url} failed.")
        if isinstance(exc, sdk.APIResponseValidationError):
            return TransientTargetError(f"{self.base_url} sent a response that is not a message.")
        # CredentialsError and anything else the SDK raises before sending.
        return TargetAuthError(f"The Anthropic SDK could not send the request ({_first_line(exc)}).")

    async def aclose(self) -> None:
        await self.client.close()


def to_anthropic_messages(messages: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """Split OpenAI-shaped messages into Anthropic's `system` text and user/assistant turns.

    Tool results become `tool_result` blocks in a user turn, assistant tool calls `tool_use` blocks;
    consecutive messages of one role are merged, as the API expects alternating turns.
    """
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            if message.content:
                system.append(message.content)
            continue
        blocks: list[dict[str, Any]] = []
        if message.role == "tool":
            role = "user"
            blocks.append({"type": "tool_result", "tool_use_id": message.tool_call_id or "",
                           "content": message.content or ""})
        else:
            role = message.role
            if message.content:
                blocks.append({"type": "text", "text": message.content})
            for call in message.tool_calls:
                blocks.append({"type": "tool_use", "id": call.id, "name": call.name,
                               "input": _arguments(call.arguments)})
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return "\n\n".join(system), turns


def to_anthropic_tools(tools: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-style function tools as Anthropic tools; tools already in Anthropic's shape pass as is."""
    out: list[dict[str, Any]] = []
    for tool in tools:
        function = tool.get("function")
        if tool.get("type") == "function" and isinstance(function, dict):
            converted: dict[str, Any] = {
                "name": function["name"],
                "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
            }
            if function.get("description"):
                converted["description"] = function["description"]
            out.append(converted)
        else:
            out.append(dict(tool))
    return out


def _arguments(text: str) -> Any:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"arguments": text}
    return value if isinstance(value, dict) else {"arguments": value}


def _completion(response: Any) -> Completion:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in getattr(response, "content", None) or ():
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(block.text)
        elif kind == "tool_use":
            calls.append(ToolCall(block.id, block.name, json.dumps(block.input)))
    usage = getattr(response, "usage", None)
    return Completion(
        text="".join(texts),
        tool_calls=tuple(calls),
        usage=Usage(int(getattr(usage, "input_tokens", 0) or 0), int(getattr(usage, "output_tokens", 0) or 0)),
        finish_reason=getattr(response, "stop_reason", None),
        model=getattr(response, "model", None),
    )


def _refused(exc: BaseException) -> bool:
    """Whether a connection error was a refused or unresolvable connection. Matched by class name
    along the cause chain, as SDK versions wrap either httpx's or httpx2's ConnectError."""
    seen: BaseException | None = exc
    for _ in range(8):  # a cause chain is short; the bound guards against cycles
        if seen is None:
            break
        if isinstance(seen, ConnectionRefusedError) or any(
            cls.__name__ == "ConnectError" for cls in type(seen).__mro__
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _detail(exc: Any) -> str:
    message = getattr(exc, "api_message", None)
    if not message:
        body = getattr(exc, "body", None)
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
    return f": {str(message)[:200]}" if message else ""


@target("anthropic")
def create(model: str, options: TargetOptions) -> Target:
    return AnthropicTarget(model, options)
