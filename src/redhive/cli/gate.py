"""`--fail-on` expressions for CI gating, e.g. `asr>0.05`, `successes>=1,errors>0`, or per risk area
`jailbreak.asr>0.05,over_refusal.rate>0.1`.

A condition names a value of the run (`scan_values` builds them from its summary; `agent-scan`
has its own) and holds when the comparison does; a run's exit code is 1 when any holds."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redhive.engine.stats import OutcomeCounts
from redhive.errors import InvalidInput

__all__ = [
    "AREA_METRICS", "METRICS", "OVER_REFUSAL_METRICS", "Condition", "check_areas", "parse_gate", "scan_values",
]

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
}
#: The run's headline values (attack probes; `attempts` and `errors` count every attempt).
METRICS = ("asr", "successes", "errors", "error_rate", "refused", "attempts")
#: Values of one risk area's attack probes: `AREA.asr` and the like.
AREA_METRICS = ("asr", "successes", "errors", "error_rate", "refused", "attempts")
#: The over-refusal controls: `over_refusal.rate` is refusals of harmless requests over scored controls.
OVER_REFUSAL_METRICS = ("rate", "refusals", "controls", "errors")
_EXPR = re.compile(r"^\s*(?:([a-z0-9][a-z0-9_.-]*)\.)?([a-z_]+)\s*(>=|<=|==|>|<)\s*([0-9]*\.?[0-9]+)\s*$")


@dataclass(frozen=True, slots=True)
class Condition:
    metric: str  # a key of the values the command gates on, e.g. "asr" or "jailbreak.asr"
    op: str
    value: float

    def holds(self, values: Mapping[str, float]) -> tuple[bool, float]:
        actual = values[self.metric]
        return _OPS[self.op](actual, self.value), actual

    @property
    def area(self) -> str | None:
        area, dot, _ = self.metric.rpartition(".")
        return area if dot else None

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"


def parse_gate(text: str, metrics: Sequence[str] = METRICS, *, areas: bool = True,
               example: str = "asr>0.05, jailbreak.asr>0.05 or over_refusal.rate>0.1") -> list[Condition]:
    """Conditions joined by commas; `areas`: whether `AREA.metric` forms are allowed."""
    if not text.strip():
        raise InvalidInput("--fail-on is empty, so it would never fail the run: give a condition such as "
                           "asr>0.05, or leave the option out.")
    conditions: list[Condition] = []
    for part in text.split(","):
        match = _EXPR.match(part)
        area, metric = (match.group(1), match.group(2)) if match else (None, "")
        allowed = metrics if area is None else OVER_REFUSAL_METRICS if area == "over_refusal" else AREA_METRICS
        if not match or metric not in allowed or (area is not None and not areas):
            per_area = (f"; per risk area AREA.METRIC with METRIC one of {', '.join(AREA_METRICS)} "
                        f"(over_refusal: {', '.join(OVER_REFUSAL_METRICS)})") if areas else ""
            raise InvalidInput(
                f"--fail-on '{part.strip()}' is not a condition: write METRIC OP NUMBER with METRIC one of "
                f"{', '.join(metrics)}{per_area}, for example {example}."
            )
        conditions.append(Condition(f"{area}.{metric}" if area else metric, match.group(3), float(match.group(4))))
    return conditions


def check_areas(conditions: Iterable[Condition], known: Iterable[str]) -> None:
    """Refuse, before anything runs, a condition on a risk area none of the run's probes has."""
    areas = set(known) | {"over_refusal"}
    for condition in conditions:
        if condition.area is not None and condition.area not in areas:
            raise InvalidInput(
                f"--fail-on '{condition}' names the risk area '{condition.area}', which none of the run's probes "
                f"has; its areas are {', '.join(sorted(areas))}."
            )


def scan_values(totals: Mapping[str, Any], areas: Mapping[str, OutcomeCounts]) -> dict[str, float]:
    """Every value a scan's conditions can name, from its summary's totals and its attack attempts
    per risk area."""
    values = {name: _number(totals, name) for name in METRICS}
    for area, counts in areas.items():
        values.update({f"{area}.{name}": _number(counts.as_dict(), name) for name in AREA_METRICS})
    over = totals.get("over_refusal")
    if isinstance(over, Mapping):
        values.update({f"over_refusal.{name}": float(over.get(name) or 0) for name in OVER_REFUSAL_METRICS})
    return values


def _number(values: Mapping[str, Any], metric: str) -> float:
    if metric == "error_rate":
        return values["errors"] / values["attempts"] if values["attempts"] else 0.0
    return float(values[metric] or 0.0)
