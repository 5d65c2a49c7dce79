"""Coverage of suites against the frameworks: risk areas × OWASP LLM 2025, MITRE ATLAS, AVID SEP; and
the probes per family and per language.

A probe's family is its `family:NAME` tag (the catalogue's families, named after the garak and
promptfoo families they answer, docs/suites.md), or its risk area when it has none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.suites.schema import Probe, Suite
from redhive.taxonomy import OWASP_LLM_2025

__all__ = ["Coverage", "coverage", "family_of"]


@dataclass(slots=True)
class Coverage:
    #: risk area -> framework ("owasp" | "atlas" | "avid") -> id -> probe count
    cells: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    probes: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    def framework_totals(self, framework: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for frameworks in self.cells.values():
            total.update(frameworks[framework])
        return total

    def uncovered_owasp(self) -> list[str]:
        seen = self.framework_totals("owasp")
        return [code for code in OWASP_LLM_2025 if not seen[code]]

    def as_json(self) -> dict[str, Any]:
        return {
            "probes": sum(self.probes.values()),
            "families": dict(sorted(self.families.items())),
            "risk_areas": dict(sorted(self.probes.items())),
            "owasp": {code: self.framework_totals("owasp")[code] for code in OWASP_LLM_2025},
            "uncovered_owasp": self.uncovered_owasp(),
            "atlas": dict(sorted(self.framework_totals("atlas").items())),
            "avid": dict(sorted(self.framework_totals("avid").items())),
            "languages": dict(sorted(self.languages.items())),
            "cells": {area: {f: dict(sorted(c.items())) for f, c in fw.items()}
                      for area, fw in sorted(self.cells.items())},
        }


def family_of(probe: Probe) -> str:
    return next((t.removeprefix("family:") for t in probe.tags if t.startswith("family:")), probe.risk_area)


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
            result.families[family_of(probe)] += 1
            result.languages[probe.language] += 1
    return result
