"""The first policy check: words or phrases a mission does not allow in requests or responses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from redhive.safeguards.pipeline import CheckContext, Decision

__all__ = ["DenyList", "request_text"]


def request_text(request: dict[str, Any]) -> str:
    """Every message's text content in a chat-completions request (strings and text parts)."""
    parts: list[str] = []
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n".join(parts)


class DenyList:
    """Blocks when a listed phrase appears as whole words, ignoring case (`mode="flag"` only flags)."""

    name = "deny_list"

    def __init__(self, phrases: Iterable[str], *, mode: str = "block") -> None:
        self.phrases = [p.strip() for p in phrases if p.strip()]
        self.mode = "flag" if mode == "flag" else "block"
        self.pattern = (re.compile("|".join(rf"\b{re.escape(p)}\b" for p in self.phrases), re.IGNORECASE)
                        if self.phrases else None)

    def _decide(self, text: str, stage: str, where: str) -> Decision | None:
        if self.pattern is None:
            return None
        found = self.pattern.search(text)
        if found is None:
            return None
        return Decision(self.name, stage, self.mode,  # type: ignore[arg-type]
                        f"the {where} contains '{found.group(0)}', which this mission's deny list does not allow")

    async def before(self, ctx: CheckContext) -> Decision | None:
        return self._decide(request_text(ctx.request), "before", "request")

    async def after(self, ctx: CheckContext) -> Decision | None:
        return self._decide(ctx.response_text, "after", "response")
