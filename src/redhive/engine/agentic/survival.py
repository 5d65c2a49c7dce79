"""Kaplan–Meier survival curves with Greenwood confidence bands (no scipy or lifelines needed).

Used for steps-to-first-violation: each episode contributes its first violating step as an event,
or, when it never violated, its number of steps as a censored time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["SurvivalCurve", "kaplan_meier"]

Z95 = 1.959963984540054


@dataclass(slots=True, frozen=True)
class SurvivalCurve:
    """S(t) just after each distinct event time, with the numbers behind it."""

    n: int
    times: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    survival: tuple[float, ...]
    variance: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    conf_type: str = "log-log"

    @property
    def hazard(self) -> tuple[float, ...]:
        """Per-step hazard h(t) = d / n at each event time."""
        return tuple(d / r for d, r in zip(self.events, self.at_risk, strict=True))

    @property
    def total_events(self) -> int:
        return sum(self.events)

    @property
    def median(self) -> float | None:
        """The first time S(t) <= 0.5; None when the curve never gets there."""
        return next((t for t, s in zip(self.times, self.survival, strict=True) if s <= 0.5), None)

    def at(self, t: float) -> float:
        """S(t), a right-continuous step function (1 before the first event)."""
        value = 1.0
        for time, s in zip(self.times, self.survival, strict=True):
            if time > t:
                break
            value = s
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n, "events": self.total_events, "median": self.median, "conf_type": self.conf_type,
            "points": [
                {"t": t, "at_risk": r, "events": d, "survival": round(s, 6), "lower": round(lo, 6),
                 "upper": round(hi, 6), "hazard": round(h, 6)}
                for t, r, d, s, lo, hi, h in zip(self.times, self.at_risk, self.events, self.survival,
                                                 self.lower, self.upper, self.hazard, strict=True)
            ],
        }


def kaplan_meier(observations: Iterable[tuple[float, bool]], *, z: float = Z95,
                 conf_type: Literal["log-log", "plain"] = "log-log") -> SurvivalCurve:
    """Product-limit estimate from (time, event) pairs; `event` False means censored at `time`.

    Variance by Greenwood's formula, Var S(t) = S(t)^2 * sum d / (n (n - d)). Bands are `plain`
    (S +- z*SE, clipped to [0, 1]) or `log-log` (the default; exp-Greenwood, always inside [0, 1]).
    Censoring at an event time counts the censored subject as still at risk at that time.
    """
    obs = sorted((float(t), bool(e)) for t, e in observations)
    n = len(obs)
    times: list[float] = []
    at_risk: list[int] = []
    events: list[int] = []
    survival: list[float] = []
    variance: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    s, greenwood, remaining, i = 1.0, 0.0, n, 0
    while i < n:
        t = obs[i][0]
        d = c = 0
        while i < n and obs[i][0] == t:
            d += obs[i][1]
            c += not obs[i][1]
            i += 1
        if d:
            s *= 1 - d / remaining
            greenwood = greenwood + d / (remaining * (remaining - d)) if remaining > d else math.inf
            var = s * s * greenwood if s > 0 else 0.0
            lo, hi = _band(s, greenwood, z, conf_type)
            times.append(t)
            at_risk.append(remaining)
            events.append(d)
            survival.append(s)
            variance.append(var)
            lower.append(lo)
            upper.append(hi)
        remaining -= d + c
    return SurvivalCurve(n, tuple(times), tuple(at_risk), tuple(events), tuple(survival), tuple(variance),
                         tuple(lower), tuple(upper), conf_type)


def _band(s: float, greenwood: float, z: float, conf_type: str) -> tuple[float, float]:
    if s <= 0.0 or math.isinf(greenwood):
        return 0.0, 0.0
    if conf_type == "plain":
        se = s * math.sqrt(greenwood)
        return max(0.0, s - z * se), min(1.0, s + z * se)
    if s >= 1.0:
        return 1.0, 1.0
    se = math.sqrt(greenwood) / abs(math.log(s))
    return s ** math.exp(z * se), s ** math.exp(-z * se)
