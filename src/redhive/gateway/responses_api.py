"""OpenAI's Responses API on top of chat completions: `POST /v1/responses` is translated into the
chat-completions request every upstream speaks (vLLM, Ollama, hosted APIs, the engine's targets),
and the answer back into a Response object or the Responses stream's typed events.

A parameter the translation cannot honour is refused with 400 naming it, never dropped: hosted tools
(web search, file search, …), server-side conversation state (`previous_response_id`,
`conversation`), background runs, `include`, automatic truncation, reasoning summaries.

What the transcript keeps is the chat-completions form (what was screened, sent upstream and
answered), with the client's own request under `x_redhive_api` (see `Translated.record`).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from redhive.kit import new_id

__all__ = ["Translated", "UnsupportedParameter", "response_events", "to_chat", "to_response"]

#: Accepted as they are (recorded; nothing upstream depends on them).
_KEPT = frozenset({"model", "input", "instructions", "stream", "temperature", "top_p", "max_output_tokens",
                   "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "user", "metadata",
                   "store", "top_logprobs", "service_tier", "prompt_cache_key", "safety_identifier",
                   "truncation", "include", "stream_options", "max_tool_calls"})
#: `include` items honoured: chat completions return no reasoning items, so there is none to encrypt
#: (Inspect's openai provider asks for this by default).
_INCLUDABLE = frozenset({"reasoning.encrypted_content"})
#: Refused whenever set: the gateway keeps no server-side state and runs no hosted tools.
_STATEFUL = ("previous_response_id", "conversation", "background", "prompt")


class UnsupportedParameter(ValueError):
    """A request the translation cannot honour: `param` names what, the message says why."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param, self.message = param, message


@dataclass(frozen=True, slots=True)
class Translated:
    """A Responses request as chat completions, and the original (for the answer's echo fields)."""

    chat: dict[str, Any]
    original: dict[str, Any]

    def record(self) -> dict[str, Any]:
        return {"endpoint": "/v1/responses", "request": self.original}


def to_chat(body: dict[str, Any]) -> Translated:
    """The chat-completions request that asks what `body` asks, or UnsupportedParameter."""
    for name in _STATEFUL:
        if body.get(name) not in (None, False, ""):
            raise UnsupportedParameter(name, f"The gateway keeps no server-side state, so '{name}' cannot be "
                                       "honoured: send the whole conversation in 'input'.")
    unknown = sorted(set(body) - _KEPT - set(_STATEFUL))
    if unknown:
        raise UnsupportedParameter(unknown[0], f"The gateway does not support the parameter '{unknown[0]}' on "
                                   "/v1/responses: remove it.")
    extra = [i for i in body.get("include") or [] if i not in _INCLUDABLE]
    if extra:
        raise UnsupportedParameter("include", f"The gateway cannot add '{extra[0]}' to an answer (it runs no hosted "
                                   "tools and returns no logprobs in the Responses shape): remove it from 'include'.")
    if body.get("truncation") not in (None, "disabled"):
        raise UnsupportedParameter("truncation", "The gateway never truncates a conversation: use "
                                   "truncation='disabled' or leave it out.")
    if (body.get("reasoning") or {}).get("summary") or (body.get("reasoning") or {}).get("generate_summary"):
        raise UnsupportedParameter("reasoning", "The gateway cannot return reasoning summaries: leave out "
                                   "reasoning.summary.")
    messages: list[dict[str, Any]] = []
    if body.get("instructions"):
        messages.append({"role": "system", "content": str(body["instructions"])})
    messages += _messages(body.get("input"))
    chat: dict[str, Any] = {"model": body.get("model"), "messages": messages}
    for same in ("temperature", "top_p", "parallel_tool_calls", "user", "metadata", "stream"):
        if body.get(same) is not None:
            chat[same] = body[same]
    if body.get("max_output_tokens") is not None:
        chat["max_tokens"] = body["max_output_tokens"]
    if body.get("top_logprobs"):
        chat["logprobs"], chat["top_logprobs"] = True, body["top_logprobs"]
    if (effort := (body.get("reasoning") or {}).get("effort")) is not None:
        chat["reasoning_effort"] = effort
    if body.get("tools"):
        chat["tools"] = [_tool(t) for t in body["tools"]]
    if body.get("tool_choice") is not None:
        chat["tool_choice"] = _tool_choice(body["tool_choice"])
    if (fmt := _response_format((body.get("text") or {}).get("format"))) is not None:
        chat["response_format"] = fmt
    if body.get("stream"):
        chat["stream_options"] = {"include_usage": True}
    return Translated(chat, body)


def _messages(items: Any) -> list[dict[str, Any]]:
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    if not isinstance(items, list):
        raise UnsupportedParameter("input", "'input' must be a string or a list of input items.")
    out: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise UnsupportedParameter("input", "Each item of 'input' must be an object.")
        kind = item.get("type") or "message"
        if kind == "message":
            out.append({"role": item.get("role") or "user", "content": _content(item.get("content"))})
        elif kind == "function_call":
            call = {"id": item.get("call_id") or item.get("id") or "", "type": "function",
                    "function": {"name": item.get("name") or "", "arguments": item.get("arguments") or ""}}
            if out and out[-1]["role"] == "assistant" and out[-1].get("tool_calls") is not None:
                out[-1]["tool_calls"].append(call)  # parallel calls: one assistant turn
            else:
                out.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item.get("output")
            out.append({"role": "tool", "tool_call_id": item.get("call_id") or "",
                        "content": output if isinstance(output, str) else _content(output)})
        elif kind == "reasoning":
            continue  # the model's own earlier reasoning: chat completions take none back
        else:
            raise UnsupportedParameter("input", f"The gateway cannot pass input items of type '{kind}' "
                                       "(only messages, function calls and their outputs).")
    return out


def _content(content: Any) -> Any:
    """Responses content parts as chat content: plain text stays a string, images become image_url."""
    if content is None or isinstance(content, str):
        return content or ""
    parts: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else [content]:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("input_text", "output_text", "text"):
            parts.append({"type": "text", "text": str(part.get("text") or "")})
        elif kind == "input_image" and part.get("image_url"):
            parts.append({"type": "image_url", "image_url": {"url": part["image_url"],
                                                              "detail": part.get("detail") or "auto"}})
        elif kind == "refusal":
            parts.append({"type": "text", "text": str(part.get("refusal") or "")})
        else:
            raise UnsupportedParameter("input", f"The gateway cannot pass content parts of type '{kind}' "
                                       "(text and images by URL only).")
    if all(p["type"] == "text" for p in parts):
        return "".join(p["text"] for p in parts)
    return parts


def _tool(tool: Any) -> dict[str, Any]:
    if not isinstance(tool, dict) or tool.get("type") != "function":
        kind = tool.get("type") if isinstance(tool, dict) else tool
        raise UnsupportedParameter("tools", f"The gateway cannot run hosted tools of type '{kind}': only "
                                   "function tools pass through.")
    function = {k: tool[k] for k in ("name", "description", "parameters", "strict") if tool.get(k) is not None}
    return {"type": "function", "function": function}


def _tool_choice(choice: Any) -> Any:
    if choice in ("auto", "none", "required"):
        return choice
    if isinstance(choice, dict) and choice.get("type") == "function" and choice.get("name"):
        return {"type": "function", "function": {"name": choice["name"]}}
    raise UnsupportedParameter("tool_choice", "The gateway takes tool_choice 'auto', 'none', 'required' or one "
                               "function: hosted tools cannot be chosen.")


def _response_format(fmt: Any) -> dict[str, Any] | None:
    if fmt is None or (isinstance(fmt, dict) and fmt.get("type") == "text"):
        return None
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        return {"type": "json_object"}
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = {k: fmt[k] for k in ("name", "schema", "strict", "description") if fmt.get(k) is not None}
        return {"type": "json_schema", "json_schema": schema}
    raise UnsupportedParameter("text", "text.format must be 'text', 'json_object' or 'json_schema'.")


# -- answers ---------------------------------------------------------------------------------------

def to_response(chat: dict[str, Any], request: dict[str, Any], *, response_id: str | None = None,
                created: int | None = None) -> dict[str, Any]:
    """The Response object for a chat completion (its first choice: the Responses API has no `n`)."""
    choices = chat.get("choices") or [{}]
    choice = choices[0]
    message = choice.get("message") or {}
    output: list[dict[str, Any]] = []
    if message.get("content"):
        output.append(_message_item(f"msg_{new_id()}", str(message["content"]), "completed"))
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        output.append(_call_item(f"fc_{new_id()}", str(call.get("id") or ""), str(function.get("name") or ""),
                                 str(function.get("arguments") or ""), "completed"))
    return _envelope(response_id or f"resp_{new_id()}", created or int(time.time()), request, output,
                     *_status(choice.get("finish_reason")), usage=_usage(chat.get("usage")))


def _envelope(response_id: str, created: int, request: dict[str, Any], output: list[dict[str, Any]],
              status: str, incomplete: dict[str, Any] | None, *, usage: dict[str, Any] | None,
              error: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": response_id, "object": "response", "created_at": created, "status": status,
        "error": error, "incomplete_details": incomplete, "model": request.get("model"),
        "instructions": request.get("instructions"), "output": output,
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "temperature": request.get("temperature"), "top_p": request.get("top_p"),
        "max_output_tokens": request.get("max_output_tokens"), "tool_choice": request.get("tool_choice", "auto"),
        "tools": request.get("tools") or [], "text": request.get("text") or {"format": {"type": "text"}},
        "truncation": "disabled", "metadata": request.get("metadata") or {}, "previous_response_id": None,
        "reasoning": request.get("reasoning"), "store": False, "user": request.get("user"), "usage": usage,
    }


def _status(finish: Any) -> tuple[str, dict[str, Any] | None]:
    if finish == "length":
        return "incomplete", {"reason": "max_output_tokens"}
    if finish == "content_filter":
        return "incomplete", {"reason": "content_filter"}
    return "completed", None


def _usage(usage: Any) -> dict[str, Any] | None:
    if not isinstance(usage, dict):
        return None
    given, said = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    return {"input_tokens": given, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": said,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": given + said}


def _message_item(item_id: str, text: str, status: str) -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}] if status == "completed" \
        else []
    return {"type": "message", "id": item_id, "status": status, "role": "assistant", "content": content}


def _call_item(item_id: str, call_id: str, name: str, arguments: str, status: str) -> dict[str, Any]:
    return {"type": "function_call", "id": item_id, "call_id": call_id, "name": name, "arguments": arguments,
            "status": status}


# -- streams ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Item:
    """One output item being streamed: its place, id and what arrived so far."""

    index: int
    id: str
    kind: str
    text: list[str] = field(default_factory=list)
    call_id: str = ""
    name: str = ""


@dataclass(slots=True)
class _Events:
    """The Responses stream, numbered as the SDK expects (`sequence_number` from 0)."""

    request: dict[str, Any]
    id: str
    created: int = field(default_factory=lambda: int(time.time()))
    seq: int = 0
    items: list[_Item] = field(default_factory=list)
    text_item: _Item | None = None
    calls: dict[int, _Item] = field(default_factory=dict)
    finish: Any = None
    usage: dict[str, Any] | None = None

    def event(self, kind: str, **data: Any) -> bytes:
        payload = {"type": kind, "sequence_number": self.seq, **data}
        self.seq += 1
        return f"event: {kind}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()

    def envelope(self, status: str, incomplete: dict[str, Any] | None = None,
                 error: dict[str, Any] | None = None) -> dict[str, Any]:
        return _envelope(self.id, self.created, self.request, [self.done_item(i) for i in self.items]
                         if status != "in_progress" else [], status, incomplete, usage=_usage(self.usage), error=error)

    def done_item(self, item: _Item) -> dict[str, Any]:
        if item.kind == "message":
            return _message_item(item.id, "".join(item.text), "completed")
        return _call_item(item.id, item.call_id, item.name, "".join(item.text), "completed")

    def chunk(self, chunk: dict[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        self.usage = chunk.get("usage") or self.usage
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue  # the Responses API has one answer; the transcript keeps every choice
            delta = choice.get("delta") or {}
            if delta.get("content"):
                out += self._text(str(delta["content"]))
            for call in delta.get("tool_calls") or []:
                out += self._call(call)
            self.finish = choice.get("finish_reason") or self.finish
        return out

    def _text(self, piece: str) -> list[bytes]:
        out: list[bytes] = []
        item = self.text_item
        if item is None:
            item = self.text_item = _Item(len(self.items), f"msg_{new_id()}", "message")
            self.items.append(item)
            out.append(self.event("response.output_item.added", output_index=item.index,
                                  item=_message_item(item.id, "", "in_progress")))
            out.append(self.event("response.content_part.added", item_id=item.id, output_index=item.index,
                                  content_index=0, part={"type": "output_text", "text": "", "annotations": []}))
        item.text.append(piece)
        out.append(self.event("response.output_text.delta", item_id=item.id, output_index=item.index,
                              content_index=0, delta=piece, logprobs=[]))
        return out

    def _call(self, call: dict[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        function = call.get("function") or {}
        item = self.calls.get(call.get("index", 0))
        if item is None:
            item = self.calls[call.get("index", 0)] = _Item(len(self.items), f"fc_{new_id()}", "function_call",
                                                            call_id=str(call.get("id") or ""),
                                                            name=str(function.get("name") or ""))
            self.items.append(item)
            out.append(self.event("response.output_item.added", output_index=item.index,
                                  item=_call_item(item.id, item.call_id, item.name, "", "in_progress")))
        if function.get("arguments"):
            item.text.append(str(function["arguments"]))
            out.append(self.event("response.function_call_arguments.delta", item_id=item.id,
                                  output_index=item.index, delta=str(function["arguments"])))
        return out

    def close(self) -> list[bytes]:
        out: list[bytes] = []
        for item in self.items:
            whole = "".join(item.text)
            if item.kind == "message":
                part = {"type": "output_text", "text": whole, "annotations": [], "logprobs": []}
                out.append(self.event("response.output_text.done", item_id=item.id, output_index=item.index,
                                      content_index=0, text=whole, logprobs=[]))
                out.append(self.event("response.content_part.done", item_id=item.id, output_index=item.index,
                                      content_index=0, part=part))
            else:
                out.append(self.event("response.function_call_arguments.done", item_id=item.id,
                                      output_index=item.index, name=item.name, arguments=whole))
            out.append(self.event("response.output_item.done", output_index=item.index, item=self.done_item(item)))
        status, incomplete = _status(self.finish)
        kind = "response.completed" if status == "completed" else "response.incomplete"
        out.append(self.event(kind, response=self.envelope(status, incomplete)))
        return out

    def fail(self, error: dict[str, Any]) -> list[bytes]:
        code, message = str(error.get("code") or error.get("type") or "error"), str(error.get("message") or "")
        return [self.event("error", code=code, message=message, param=None),
                self.event("response.failed", response=self.envelope("failed", error={"code": code,
                                                                                      "message": message}))]


async def response_events(chat_events: AsyncGenerator[bytes, None], request: dict[str, Any], *,
                          response_id: str) -> AsyncIterator[bytes]:
    """The Responses stream for a chat-completions stream (server-sent `data:` events, `[DONE]` last,
    or an error event where the gateway cut it). The chat stream is read to its end, so that the
    exchange is recorded as what it was (`ok`, `partial`, blocked), and closed if the client leaves."""
    events, ended = _Events(request, response_id), False
    yield events.event("response.created", response=events.envelope("in_progress"))
    yield events.event("response.in_progress", response=events.envelope("in_progress"))
    try:
        async for raw in chat_events:
            for line in raw.split(b"\n"):
                data = line[5:].strip() if line.startswith(b"data:") else b""
                if not data or ended:
                    continue
                if data == b"[DONE]":
                    ended = True
                    for event in events.close():
                        yield event
                    continue
                chunk = json.loads(data)
                if isinstance(chunk, dict) and isinstance(chunk.get("error"), dict):
                    ended = True
                    for event in events.fail(chunk["error"]):
                        yield event
                    continue
                for event in events.chunk(chunk):
                    yield event
    finally:
        await chat_events.aclose()
