"""Bring probes from elsewhere into suites: local JSONL/CSV prompt files, garak reports and hitlogs,
promptfoo configs and results. Each reader yields plain probe dicts; `import_suite` validates them into
a `Suite` that `redhive suites import` writes as YAML, with the list of what could not travel.

What another tool decided (its verdict on one answer) does not travel, but how it decides does where
it is mechanical: garak's trigger lists and promptfoo's deterministic assertions become detectors
that decide as they do (`redhive.engine.scorers.expected`), a `success_regex` column a regex
detector. Everything else is scored by the judge given with `judge`, with a rubric chosen from what
the probe is about (or a promptfoo `llm-rubric`). Without a judge such probes are refused with one
sentence.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from redhive.engine.suites.imports.common import Area, ImportOptions, Notes, default_area, json_rows, probe
from redhive.engine.suites.imports.garak import read_garak
from redhive.engine.suites.imports.promptfoo import read_promptfoo
from redhive.engine.suites.schema import Probe, Suite
from redhive.engine.userfiles import read_text
from redhive.errors import InvalidInput, SuiteFileError

__all__ = ["FORMATS", "ImportOptions", "Imported", "import_suite"]

Format = Literal["jsonl", "csv", "garak", "promptfoo"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "garak", "promptfoo")
_Reader = Callable[[Path, ImportOptions, Notes], Iterator[tuple[int, dict[str, Any]]]]


@dataclass(frozen=True, slots=True)
class Imported:
    suite: Suite
    #: what the source held that no probe carries, as "what (Nx)" lines
    not_carried: list[str] = field(default_factory=list)


def import_suite(path: Path, fmt: Format, options: ImportOptions) -> Imported:
    """Read `path` in format `fmt` and return the validated suite; prompts repeated are kept once."""
    readers: dict[str, _Reader] = {"jsonl": _jsonl, "csv": _csv, "garak": read_garak, "promptfoo": read_promptfoo}
    if fmt not in readers:
        raise InvalidInput(f"Unknown import format '{fmt}': use one of {', '.join(FORMATS)}.")
    if not path.is_file():
        raise SuiteFileError(str(path), None, "no such file to import.")
    probes: dict[str, dict[str, Any]] = {}
    notes = Notes()
    needs_judge = 0
    for line, item in readers[fmt](path, options, notes):
        rubric = item.pop("rubric", None)
        if item["detector"] is None:
            needs_judge += 1
            item["detector"] = {"type": "judge", "judge": options.judge, "rubric": rubric}
        item.setdefault("id", _probe_id(item["prompt"], item.get("system")))
        if item["id"] in probes:
            continue
        try:
            Probe.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "probe"
            raise SuiteFileError(str(path), line, f"{where}: {err['msg'].removeprefix('Value error, ')}.") from None
        probes[item["id"]] = item
    if not probes:
        raise SuiteFileError(str(path), None, f"no prompts found to import as {fmt}.")
    if needs_judge and not options.judge:
        raise InvalidInput(
            f"{needs_judge} imported prompts carry no mechanical success check, so a judge must score them: "
            "pass --judge SPEC (for example --judge openai:gpt-4o-mini, or sim:judge for a dry run)."
        )
    suite = Suite.model_validate({
        "name": options.name, "description": f"Imported from {path.name} ({fmt}).",
        "probes": _distinct_titles(list(probes.values())),
    })
    return Imported(suite, notes.lines())


def _from_row(row: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    prompt = str(row.get("prompt") or "").strip()
    if not prompt:
        raise ValueError("the row has no 'prompt'")
    default = default_area(options)
    area = Area(str(row.get("risk_area") or default.risk_area), str(row.get("owasp") or default.owasp),
                str(row.get("atlas") or default.atlas), str(row.get("rubric") or default.rubric))
    pattern = row.get("success_regex") or None
    return probe(prompt, title=str(row.get("title") or ""), area=area, system=row.get("system") or None,
                 detector={"type": "regex", "pattern": pattern} if pattern else None, pid=row.get("id") or None)


def _jsonl(path: Path, options: ImportOptions, notes: Notes) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in json_rows(path):
        if not isinstance(row.get("prompt", ""), str):
            raise SuiteFileError(str(path), number, "'prompt' must be text (is this a garak file? use --from garak).")
        try:
            yield number, _from_row(row, options)
        except ValueError as exc:
            raise SuiteFileError(str(path), number, f"{exc}.") from None


def _csv(path: Path, options: ImportOptions, notes: Notes) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    if not reader.fieldnames or "prompt" not in reader.fieldnames:
        raise SuiteFileError(str(path), 1, "the header row needs a 'prompt' column.")
    for row in reader:
        try:
            yield reader.line_num, _from_row(row, options)
        except ValueError as exc:
            raise SuiteFileError(str(path), reader.line_num, f"{exc}.") from None


def _distinct_titles(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One title per probe: a title that several probes share (one test rendered with several values)
    says which prompt it is, then its position if that is not enough."""
    counts = Counter(item["title"] for item in items)
    for item in items:
        if counts[item["title"]] > 1:
            item["title"] = f"{item['title']}: {' '.join(item['prompt'].split())[:60]}"[:200]
    seen: Counter[str] = Counter()
    for item in items:
        seen[item["title"]] += 1
        if seen[item["title"]] > 1:
            item["title"] = f"{item['title'][:190]} #{seen[item['title']]}"
    return items


def _probe_id(prompt: str, system: str | None) -> str:
    return "imp-" + hashlib.sha256(f"{system or ''}\x1f{prompt}".encode()).hexdigest()[:12]
