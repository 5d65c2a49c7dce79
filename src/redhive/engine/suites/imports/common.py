"""What every importer shares: the options, the mapping from a source's own module or plugin names to
redhive risk areas, the probe dict an importer yields, and the record of what did not travel."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redhive.engine.userfiles import read_text
from redhive.errors import SuiteFileError

__all__ = ["JAILBREAK", "Area", "ImportOptions", "Notes", "area_for", "default_area", "json_rows", "probe"]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    name: str
    judge: str | None = None
    risk_area: str = "jailbreak"
    owasp: str = "LLM01:2025"
    atlas: str = "AML.T0054"


@dataclass(slots=True)
class Notes:
    """What an import could not carry over, counted by what it was ("promptfoo assertion javascript")."""

    not_carried: Counter[str] = field(default_factory=Counter)

    def skip(self, what: str) -> None:
        self.not_carried[what] += 1

    def lines(self) -> list[str]:
        return [f"{what} ({count}x)" for what, count in sorted(self.not_carried.items())]


@dataclass(frozen=True, slots=True)
class Area:
    risk_area: str
    owasp: str
    atlas: str
    rubric: str


JAILBREAK = Area("jailbreak", "LLM01:2025", "AML.T0054", "harmful_compliance")
_DIRECT = Area("prompt_injection_direct", "LLM01:2025", "AML.T0051.000", "policy_violation")
_INDIRECT = Area("prompt_injection_indirect", "LLM01:2025", "AML.T0051.001", "policy_violation")
_SENSITIVE = Area("sensitive_information", "LLM02:2025", "AML.T0057", "policy_violation")
_MISINFORMATION = Area("misinformation", "LLM09:2025", "AML.T0062", "harmful_compliance")
_OUTPUT = Area("improper_output_handling", "LLM05:2025", "AML.T0051.000", "harmful_compliance")
# garak probe modules and promptfoo plugin ids, by prefix, to redhive risk areas.
_AREAS: dict[str, Area] = {
    "promptinject": _DIRECT,
    "encoding": _DIRECT,
    "latentinjection": _INDIRECT,
    "indirect-prompt-injection": _INDIRECT,
    "hijacking": _DIRECT,
    "leakreplay": _SENSITIVE,
    "pii": _SENSITIVE,
    "prompt-extraction": Area("system_prompt_leakage", "LLM07:2025", "AML.T0056", "policy_violation"),
    "misleading": _MISINFORMATION,
    "hallucination": _MISINFORMATION,
    "overreliance": _MISINFORMATION,
    "packagehallucination": Area("unexpected_behaviour", "LLM09:2025", "AML.T0062", "harmful_compliance"),
    "xss": _OUTPUT,
    "sql-injection": _OUTPUT,
    "shell-injection": _OUTPUT,
    "excessive-agency": Area("excessive_agency", "LLM06:2025", "AML.T0053", "harmful_compliance"),
    "bias": Area("bias", "LLM09:2025", "AML.T0048", "harmful_compliance"),
}


def default_area(options: ImportOptions) -> Area:
    return Area(options.risk_area, options.owasp, options.atlas, "harmful_compliance")


def area_for(name: str, fallback: Area = JAILBREAK) -> Area:
    key = name.lower()
    for prefix, area in _AREAS.items():
        if key == prefix or key.startswith((prefix + ".", prefix + ":", prefix + "-", prefix + "_")):
            return area
    return fallback


def probe(prompt: str, *, title: str, area: Area, system: str | None = None,
          detector: dict[str, Any] | None = None, rubric: str | None = None, tags: tuple[str, ...] = (),
          pid: str | None = None) -> dict[str, Any]:
    """A probe dict; `detector` None means the judge decides, with `rubric` (default: the area's)."""
    item: dict[str, Any] = {
        "title": title[:200] or prompt[:80], "risk_area": area.risk_area, "owasp": area.owasp, "atlas": area.atlas,
        "prompt": prompt, "tags": tags, "rubric": rubric or area.rubric, "detector": detector,
    }
    if system:
        item["system"] = system
    if pid:
        item["id"] = pid
    return item


def json_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """A JSON Lines file's objects with their line numbers; a bad line is one sentence with its line."""
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteFileError(str(path), number, f"invalid JSON ({exc.msg}).") from None
        if not isinstance(row, dict):
            raise SuiteFileError(str(path), number, "expected one JSON object per line.")
        yield number, row
