"""Honest rates: attack-success rate over scored attempts with a 95 % Wilson interval; errors
and unscorable attempts are counted apart, never as a pass or a fail."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["OutcomeCounts", "wilson_interval"]


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(slots=True)
class OutcomeCounts:
    success: int = 0
    refused: int = 0
    resisted: int = 0
    unscorable: int = 0
    error: int = 0

    def add(self, outcome: str, count: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + count)

    @property
    def attempts(self) -> int:
        return self.success + self.refused + self.resisted + self.unscorable + self.error

    @property
    def scored(self) -> int:
        """The denominator of the attack-success rate."""
        return self.success + self.refused + self.resisted

    @property
    def asr(self) -> float | None:
        return self.success / self.scored if self.scored else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.success, self.scored)

    def as_dict(self) -> dict[str, object]:
        lo, hi = self.interval
        return {
            "attempts": self.attempts,
            "scored": self.scored,
            "successes": self.success,
            "refused": self.refused,
            "resisted": self.resisted,
            "unscorable": self.unscorable,
            "errors": self.error,
            "asr": None if self.asr is None else round(self.asr, 4),
            "ci95": [round(lo, 4), round(hi, 4)],
        }
