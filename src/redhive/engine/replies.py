"""Reading structured answers out of a model's free text."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_object_with"]

_DECODER = json.JSONDecoder()


def json_object_with(text: str, key: str) -> dict[str, Any] | None:
    """The first JSON object in `text` that has `key`, wherever it starts (models wrap their JSON
    in prose or code fences), or None."""
    start = text.find("{")
    while start != -1:
        try:
            found, _ = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            pass
        else:
            if isinstance(found, dict) and key in found:
                return found
        start = text.find("{", start + 1)
    return None
