"""`--fail-on` expressions for CI gating, e.g. `asr>0.05` or `successes>=1,errors>0`."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redhive.errors import InvalidInput

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
}
METRICS = ("asr", "successes", "errors", "error_rate", "refused", "attempts")
_EXPR = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|==|>|<)\s*([0-9]*\.?[0-9]+)\s*$")


@dataclass(frozen=True, slots=True)
class Condition:
    metric: str
    op: str
    value: float

    def holds(self, totals: dict[str, Any]) -> tuple[bool, float]:
        actual = _metric(totals, self.metric)
        return _OPS[self.op](actual, self.value), actual

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"


def parse_gate(text: str) -> list[Condition]:
    conditions: list[Condition] = []
    for part in text.split(","):
        match = _EXPR.match(part)
        if not match or match.group(1) not in METRICS:
            raise InvalidInput(
                f"--fail-on '{part.strip()}' is not a condition: write METRIC OP NUMBER with METRIC one of "
                f"{', '.join(METRICS)}, for example asr>0.05."
            )
        conditions.append(Condition(match.group(1), match.group(2), float(match.group(3))))
    return conditions


def _metric(totals: dict[str, Any], metric: str) -> float:
    if metric == "asr":
        return float(totals["asr"] or 0.0)
    if metric == "error_rate":
        return totals["errors"] / totals["attempts"] if totals["attempts"] else 0.0
    return float(totals[metric])
