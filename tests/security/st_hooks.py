"""Schemathesis hooks for the API fuzzing run (tests/security/test_api_fuzzing.py): every date-time in
a JSON response carries its UTC offset (SQLite hands back naive datetimes; the schemas add it)."""

from __future__ import annotations

import re
from typing import Any

import schemathesis

#: An ISO 8601 date-time as pydantic writes it; the offset (Z or ±hh:mm) must follow.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(?P<offset>Z|[+-]\d{2}:\d{2})?$")


def naive_datetimes(value: Any, where: str = "$") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in naive_datetimes(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in naive_datetimes(v, f"{where}[{i}]")]
    if isinstance(value, str) and (m := _DATETIME.match(value)) and not m.group("offset"):
        return [f"{where} = {value}"]
    return []


@schemathesis.check
def datetimes_carry_a_timezone(ctx: Any, response: Any, case: Any) -> bool | None:
    ctype = response.headers.get("content-type") or [""]
    if "json" not in (ctype[0] if isinstance(ctype, list) else str(ctype)):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    naive = naive_datetimes(body)
    assert not naive, f"date-times without a timezone: {', '.join(naive[:5])}"
    return None
