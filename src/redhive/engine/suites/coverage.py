"""Coverage of suites against the frameworks: risk areas × OWASP LLM 2025, MITRE ATLAS, AVID SEP."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from redhive.engine.suites.schema import Suite
from redhive.taxonomy import OWASP_LLM_2025

__all__ = ["Coverage", "coverage"]


@dataclass(slots=True)
class Coverage:
    #: risk area -> framework ("owasp" | "atlas" | "avid") -> id -> probe count
    cells: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    probes: Counter[str] = field(default_factory=Counter)

    def framework_totals(self, framework: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for frameworks in self.cells.values():
            total.update(frameworks[framework])
        return total

    def uncovered_owasp(self) -> list[str]:
        seen = self.framework_totals("owasp")
        return [code for code in OWASP_LLM_2025 if not seen[code]]


def coverage(suites: Sequence[Suite]) -> Coverage:
    result = Coverage()
    for suite in suites:
        for probe in suite.probes:
            area = result.cells.setdefault(
                probe.risk_area, {"owasp": Counter(), "atlas": Counter(), "avid": Counter()}
            )
            result.probes[probe.risk_area] += 1
            area["owasp"][probe.owasp] += 1
            area["atlas"][probe.atlas] += 1
            area["avid"].update(probe.avid)
    return result
