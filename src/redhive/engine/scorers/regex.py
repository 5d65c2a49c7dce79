"""Regex detector: success when a pattern is present (or absent, for answers that should have
corrected something — a refusal is never counted as such an answer)."""

from __future__ import annotations

import re
from typing import Literal

from redhive.engine.registry import scorer
from redhive.engine.scorers.base import Detection, Detector, ScoreContext
from redhive.engine.scorers.refusal import is_refusal

__all__ = ["RegexDetector"]


@scorer("regex")
class RegexDetector(Detector):
    name = "regex"

    def __init__(self, pattern: str, when: Literal["present", "absent"] = "present",
                 ignore_case: bool = True) -> None:
        if when not in ("present", "absent"):
            raise ValueError("the regex detector's 'when' must be 'present' or 'absent'")
        self.pattern = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        self.when = when

    async def detect(self, ctx: ScoreContext) -> Detection:
        for response in ctx.responses:
            match = self.pattern.search(response)
            if self.when == "present" and match:
                return Detection(True, f"matched {match.group(0)[:120]!r}")
            if self.when == "absent" and not match and not is_refusal(response):
                return Detection(True, f"no match for /{self.pattern.pattern}/")
        return Detection(False)
