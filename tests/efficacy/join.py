"""Join redhive's attempts (`redhive export RUN --jsonl`) to a fixture application's ground-truth log.

1. When requests carry `X-Redhive-Attempt`, an attempt's requests are exactly those with its id.
2. Otherwise an attempt is matched by its prompt and response against each logged request's last user
   message and answer (exactly, else — for attempts that join several requests into one prompt — every
   logged exchange whose message and answer both appear inside the attempt's), each log line used once
   where there is a choice; then the earlier turns of a conversation are added through its history: a
   logged request whose messages plus answer begin the matched request's messages.

An attempt's flaws are the union of its requests' flaws: it really misbehaved if any request did.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Attempt", "join", "load_log"]

HEADER = "x-redhive-attempt"


@dataclass(frozen=True)
class Attempt:
    id: str
    probe_id: str
    risk_area: str
    attack: str
    outcome: str  # redhive's verdict: success, resisted, refused, error, unscorable…
    flaws: frozenset[str]  # what the application really exhibited, over all the attempt's requests
    joined: bool  # False when no logged request could be tied to it
    requests: int


def load_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _last_user(entry: dict[str, Any]) -> str:
    return next((_text(m) for m in reversed(entry["messages"]) if m.get("role") == "user"), "")


def _history_key(messages: Iterable[dict[str, Any]]) -> str:
    return json.dumps([(m.get("role"), _text(m)) for m in messages if m.get("role") in ("user", "assistant")])


def _earlier_turns(entry: dict[str, Any], by_history: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    messages = entry["messages"]
    found = []
    for k, message in enumerate(messages):
        if message.get("role") == "assistant":
            found += by_history.get(_history_key(messages[: k + 1]), [])[:1]
    return found


def join(rows: list[dict[str, Any]], log: list[dict[str, Any]]) -> list[Attempt]:
    """Every exported attempt with the flaws its requests really exhibited."""
    by_header: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_exchange: dict[tuple[str, str], deque[dict[str, Any]]] = defaultdict(deque)
    by_history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in log:
        first.setdefault((_last_user(entry), entry["response"]), entry)
        if entry.get("headers", {}).get(HEADER):
            by_header[entry["headers"][HEADER]].append(entry)
        by_exchange[_last_user(entry), entry["response"]].append(entry)
        answered = [*entry["messages"], {"role": "assistant", "content": entry["response"]}]
        by_history[_history_key(answered)].append(entry)
    last_used: dict[tuple[str, str], dict[str, Any]] = {}
    attempts = []
    for row in rows:
        prompt, response = row.get("prompt") or "", row.get("response") or ""
        entries = by_header.get(row["id"], [])
        if not entries:
            key = (prompt, response)
            if by_exchange.get(key):
                last_used[key] = by_exchange[key].popleft()
                entries = [last_used[key]]
            elif key in last_used:  # the same exchange seen more often than logged: reuse its truth
                entries = [last_used[key]]
            elif response:
                entries = [e for (user, answer), e in first.items() if answer and answer in response
                           and user and user in prompt]
            entries = entries + [t for e in entries for t in _earlier_turns(e, by_history)]
        flaws = frozenset(f for e in entries for f in e.get("flaws", ()))
        attempts.append(Attempt(row["id"], row.get("probe_id", ""), row.get("risk_area") or "?",
                                row.get("attack") or "?", row.get("outcome") or "?", flaws, bool(entries),
                                len(entries)))
    return attempts
