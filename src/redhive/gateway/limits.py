"""Per-key limits, kept in this process: requests per minute (a sliding window), requests in flight,
and tokens per day (seeded from the transcript the first time a key is seen each day)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date

__all__ = ["Limits", "Refusal"]


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message: str
    retry_after: int


@dataclass(slots=True)
class _State:
    window: deque[float] = field(default_factory=deque)
    active: int = 0
    day: date | None = None
    tokens: int = 0


class Limits:
    def __init__(self) -> None:
        self._states: dict[str, _State] = {}

    def needs_seed(self, principal: str, today: date) -> bool:
        state = self._states.get(principal)
        return state is None or state.day != today

    def seed(self, principal: str, today: date, tokens: int) -> None:
        state = self._states.setdefault(principal, _State())
        state.day, state.tokens = today, tokens

    def admit(self, principal: str, *, rpm: int, max_concurrent: int, tokens_per_day: int,
              tokens: int = 0) -> Refusal | None:
        """Take a slot and count the request's own `tokens` against the day's quota, or say why not
        (the caller must `release` an admitted request, and settle `tokens` with `add_tokens`)."""
        state = self._states.setdefault(principal, _State())
        now = time.monotonic()
        while state.window and now - state.window[0] >= 60.0:
            state.window.popleft()
        if state.tokens >= tokens_per_day:
            return Refusal("tokens_per_day_exceeded", f"This key has used its {tokens_per_day:,} tokens for today; "
                           "the quota resets at 00:00 UTC.", _seconds_to_midnight())
        if state.tokens + tokens > tokens_per_day:
            return Refusal("tokens_per_day_exceeded", f"This request is about {tokens:,} tokens and this key has "
                           f"{tokens_per_day - state.tokens:,} of its {tokens_per_day:,} tokens left today: send a "
                           "shorter request, or wait for the quota to reset at 00:00 UTC.", _seconds_to_midnight())
        if len(state.window) >= rpm:
            wait = max(1, int(60.0 - (now - state.window[0])) + 1)
            return Refusal("requests_per_minute_exceeded",
                           f"This key is limited to {rpm} requests per minute; retry in {wait} s.", wait)
        if state.active >= max_concurrent:
            return Refusal("too_many_concurrent_requests",
                           f"This key may have {max_concurrent} requests in flight at once; wait for one to finish.", 1)
        state.window.append(now)
        state.active += 1
        state.tokens += tokens
        return None

    def release(self, principal: str) -> None:
        state = self._states.setdefault(principal, _State())
        state.active = max(0, state.active - 1)

    def add_tokens(self, principal: str, tokens: int) -> None:
        self._states.setdefault(principal, _State()).tokens += tokens


def _seconds_to_midnight() -> int:
    now = time.time()
    return int(86_400 - now % 86_400) + 1
