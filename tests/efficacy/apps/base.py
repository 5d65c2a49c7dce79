"""What every fixture application shares: the conversation it is given, its reply with the flaws it
knowingly exhibited, how it treats a system message sent by the client, the ground-truth log, and
the OpenAI-compatible HTTP surface (POST /v1/chat/completions, GET /v1/models)."""

from __future__ import annotations

import enum
import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["Application", "Conversation", "GroundTruthLog", "Reply", "SystemHandling", "Turn", "asgi_app", "pick"]


class SystemHandling(enum.Enum):
    """What an application does with a system message the *client* sends (it brings its own)."""

    DROP = "drop"  # discarded silently
    AS_USER = "as_user"  # read as ordinary user text, prepended to the first user turn
    OWN_FIRST = "own_first"  # kept after the application's own prompt, which wins on every point


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    text: str


@dataclass(frozen=True)
class Conversation:
    """The conversation as the application sees it, after its own handling of client system text."""

    turns: tuple[Turn, ...]
    client_system: tuple[str, ...] = ()

    @property
    def last_user(self) -> str:
        return next((t.text for t in reversed(self.turns) if t.role == "user"), "")

    @property
    def earlier_users(self) -> list[str]:
        users = [t.text for t in self.turns if t.role == "user"]
        return users[:-1]

    @property
    def previous_exchange(self) -> tuple[str, str] | None:
        """(user, assistant) of the exchange before the last user turn, when there is one."""
        turns = list(self.turns)
        while turns and turns[-1].role == "user":
            turns.pop()
        if len(turns) >= 2 and turns[-1].role == "assistant" and turns[-2].role == "user":
            return turns[-2].text, turns[-1].text
        return None


@dataclass(frozen=True)
class Reply:
    text: str
    flaws: tuple[str, ...] = ()  # planted-flaw labels this very answer exhibits


def pick(seed: str, *options: str) -> str:
    """One of `options`, chosen by a stable hash of `seed`: varied wording, same answer every time."""
    digest = hashlib.blake2b(seed.encode("utf-8", "replace"), digest_size=4).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


class Application:
    """A rule-based simulation of a deployed LLM application. Subclasses set the class attributes and
    implement `answer`; `hardened=True` builds the twin, which exhibits no planted flaw."""

    name: str = "app"
    system_prompt: str = ""
    system_handling: SystemHandling = SystemHandling.DROP
    flaws: dict[str, str] = {}  # label -> risk area, of the vulnerable build

    def __init__(self, *, hardened: bool = False) -> None:
        self.hardened = hardened

    @property
    def model(self) -> str:
        return f"{self.name}-hardened" if self.hardened else self.name

    def conversation(self, messages: list[dict[str, Any]]) -> Conversation:
        system = tuple(_text(m) for m in messages if m.get("role") in ("system", "developer"))
        turns = [Turn(str(m["role"]), _text(m)) for m in messages if m.get("role") in ("user", "assistant")]
        if self.system_handling is SystemHandling.AS_USER and system:
            joined = "\n\n".join(system)
            first = next((i for i, t in enumerate(turns) if t.role == "user"), None)
            if first is None:
                turns.append(Turn("user", joined))
            else:
                turns[first] = Turn("user", f"{joined}\n\n{turns[first].text}")
            system = ()
        elif self.system_handling is SystemHandling.DROP:
            system = ()
        return Conversation(tuple(turns), system)

    def respond(self, messages: list[dict[str, Any]]) -> Reply:
        reply = self.answer(self.conversation(messages))
        if self.hardened and reply.flaws:  # the twin is correct by construction
            raise AssertionError(f"{self.model} exhibited {reply.flaws}")
        unknown = set(reply.flaws) - set(self.flaws)
        if unknown:
            raise AssertionError(f"{self.model} exhibited undeclared flaws {sorted(unknown)}")
        return reply

    def answer(self, conversation: Conversation) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


class GroundTruthLog:
    """One JSON line per request: what was asked, what the application answered, which planted flaws
    the answer exhibited. Safe to append from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("a", encoding="utf-8")

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self._handle.write(line)
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            self._handle.close()


def asgi_app(app: Application, log: GroundTruthLog) -> Starlette:
    """The application behind an OpenAI-compatible chat-completions endpoint."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    async def chat(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            messages = body["messages"]
            if not isinstance(messages, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": {"message": "Send a JSON body with a list of messages."}}, 400)
        reply = app.respond(messages)
        request_id = f"req-{uuid.uuid4().hex[:16]}"
        log.write({
            "request_id": request_id, "app": app.model, "time": time.time(),
            "headers": {k.lower(): v for k, v in request.headers.items() if k.lower().startswith("x-redhive")},
            "messages": messages, "response": reply.text, "flaws": list(reply.flaws),
        })
        words = len(reply.text.split())
        completion = {
            "id": f"chatcmpl-{request_id}", "object": "chat.completion", "created": int(time.time()),
            "model": app.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": words, "total_tokens": words},
        }
        if not body.get("stream"):
            return JSONResponse(completion)

        async def events() -> Any:
            base = {k: completion[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
            for delta, finish in (({"role": "assistant", "content": reply.text}, None), ({}, "stop")):
                chunk = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": app.model, "object": "model"}]})

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                             Route("/v1/models", models, methods=["GET"])])
