"""The playground's rows of the route × role matrix (tests/platform/test_route_matrix.py merges them).
The matrix's missions are recruiting, with the Lab's red teamer as the only participant: the
participant gets the page (which says the mission is not active) and the gateway's own refusal
(403 mission_not_active) from the chat; every other viewer is refused as a non-participant."""

from __future__ import annotations

from typing import Any

from tests.network.route_matrix import ANON, OT, PERSONAS, RT, _static


def participant_only(status: int, *, anonymous: int) -> dict[str, int]:
    return {p: anonymous if p == ANON else 404 if p == OT else status if p == RT else 403 for p in PERSONAS}


ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    ("GET", "/missions/{mission_id}/playground"): (participant_only(200, anonymous=303), None),
    ("POST", "/api/missions/{mission_id}/playground/chat"): (
        {**participant_only(403, anonymous=401)},
        _static({"model": "chatty/v1", "messages": [{"role": "user", "content": "Hello"}]})),
}
