"""Coverage of suites against the frameworks: risk areas × OWASP LLM 2025, MITRE ATLAS, AVID SEP; and
the probes per family and per language.

A probe's family is its `family:NAME` tag (the catalogue's families, named after the garak and
promptfoo families they answer, docs/suites.md), or its risk area when it has none.

A probe has one OWASP id, the item it is filed under; `also_tests` adds the items its check shows
as well (a probe that catches invented package names is a supply-chain probe, LLM03, whatever item it
is filed under). The `owasp` counts and `uncovered_owasp` count both; the matrix keeps the filed id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.suites.schema import Probe, Suite
from redhive.taxonomy import OWASP_LLM_2025

__all__ = ["Coverage", "also_tests", "coverage", "family_of"]


@dataclass(slots=True)
class Coverage:
    #: risk area -> framework ("owasp" | "atlas" | "avid") -> id -> probe count
    cells: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    probes: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    #: family -> detector type -> probes (how the family's probes are judged)
    checks: dict[str, Counter[str]] = field(default_factory=dict)
    #: OWASP id -> probes filed under another id whose check also tests it
    also: Counter[str] = field(default_factory=Counter)
    #: agentic environment -> its injection tasks (counted only when asked: `add_agentic`)
    agentic: Counter[str] = field(default_factory=Counter)

    def add_agentic(self, environment: str, injection_tasks: int) -> None:
        """Count an agentic environment's injection tasks: each is an attacker's goal reached, if at all,
        through the agent's own tools (LLM06, excessive agency), planted in what a tool returns (LLM01)."""
        self.agentic[environment] += injection_tasks

    def agentic_owasp(self) -> Counter[str]:
        total = sum(self.agentic.values())
        return Counter({"LLM06:2025": total, "LLM01:2025": total}) if total else Counter()

    def framework_totals(self, framework: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for frameworks in self.cells.values():
            total.update(frameworks[framework])
        return total

    def owasp_tested(self) -> Counter[str]:
        """Probes per OWASP item: filed under it, or testing it as well (`also_tests`), and the agentic
        injection tasks when counted."""
        return self.framework_totals("owasp") + self.also + self.agentic_owasp()

    def uncovered_owasp(self) -> list[str]:
        seen = self.owasp_tested()
        return [code for code in OWASP_LLM_2025 if not seen[code]]

    def as_json(self) -> dict[str, Any]:
        return {
            "probes": sum(self.probes.values()),
            "families": dict(sorted(self.families.items())),
            "family_checks": {f: dict(sorted(c.items())) for f, c in sorted(self.checks.items())},
            "risk_areas": dict(sorted(self.probes.items())),
            "owasp": {code: self.owasp_tested()[code] for code in OWASP_LLM_2025},
            "owasp_also": {code: self.also[code] for code in OWASP_LLM_2025 if self.also[code]},
            "owasp_agentic": dict(sorted(self.agentic_owasp().items())),
            "uncovered_owasp": self.uncovered_owasp(),
            "atlas": dict(sorted(self.framework_totals("atlas").items())),
            "avid": dict(sorted(self.framework_totals("avid").items())),
            "languages": dict(sorted(self.languages.items())),
            "agentic": dict(sorted(self.agentic.items())),
            "cells": {area: {f: dict(sorted(c.items())) for f, c in fw.items()}
                      for area, fw in sorted(self.cells.items())},
        }


def family_of(probe: Probe) -> str:
    return next((t.removeprefix("family:") for t in probe.tags if t.startswith("family:")), probe.risk_area)


def also_tests(probe: Probe) -> tuple[str, ...]:
    """OWASP items the probe's check shows beyond the one it is filed under."""
    found = []
    if probe.detector.type == "hallucination" and probe.detector.params().get("check", "both") in ("packages", "both"):
        found.append("LLM03:2025")  # an invented package name is one anyone can register (slopsquatting)
    return tuple(code for code in found if code != probe.owasp)


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
            result.checks.setdefault(family_of(probe), Counter())[probe.detector.type] += 1
            result.languages[probe.language] += 1
            result.also.update(also_tests(probe))
    return result
