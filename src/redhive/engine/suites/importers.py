"""Bring probes from elsewhere into suites: local JSONL/CSV prompt files, garak report JSONL and
promptfoo result JSON. Each importer yields plain probe dicts; `import_suite` validates them into a
`Suite` that `redhive suites import` writes as YAML.

What another tool decided (its detector's verdict) does not travel: success must be decided here.
Where the source carries a mechanical check (garak `targets`, a `success_regex` column) it becomes
a regex detector; everything else is scored by the judge given with `judge`, with a rubric chosen
from what the probe is about. Without a judge such probes are refused with one sentence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from redhive.engine.suites.schema import Probe, Suite
from redhive.engine.userfiles import read_text
from redhive.errors import InvalidInput, SuiteFileError

__all__ = ["FORMATS", "ImportOptions", "import_suite"]

Format = Literal["jsonl", "csv", "garak", "promptfoo"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "garak", "promptfoo")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    name: str
    judge: str | None = None
    risk_area: str = "jailbreak"
    owasp: str = "LLM01:2025"
    atlas: str = "AML.T0054"


@dataclass(frozen=True, slots=True)
class _Area:
    risk_area: str
    owasp: str
    atlas: str
    rubric: str


_JAILBREAK = _Area("jailbreak", "LLM01:2025", "AML.T0054", "harmful_compliance")
# garak probe modules and promptfoo plugin ids, by prefix, to redhive risk areas.
_AREAS: dict[str, _Area] = {
    "promptinject": _Area("prompt_injection_direct", "LLM01:2025", "AML.T0051.000", "policy_violation"),
    "latentinjection": _Area("prompt_injection_indirect", "LLM01:2025", "AML.T0051.001", "policy_violation"),
    "indirect-prompt-injection": _Area("prompt_injection_indirect", "LLM01:2025", "AML.T0051.001",
                                       "policy_violation"),
    "hijacking": _Area("prompt_injection_direct", "LLM01:2025", "AML.T0051.000", "policy_violation"),
    "leakreplay": _Area("sensitive_information", "LLM02:2025", "AML.T0057", "policy_violation"),
    "pii": _Area("sensitive_information", "LLM02:2025", "AML.T0057", "policy_violation"),
    "prompt-extraction": _Area("system_prompt_leakage", "LLM07:2025", "AML.T0056", "policy_violation"),
    "misleading": _Area("misinformation", "LLM09:2025", "AML.T0062", "harmful_compliance"),
    "hallucination": _Area("misinformation", "LLM09:2025", "AML.T0062", "harmful_compliance"),
    "overreliance": _Area("misinformation", "LLM09:2025", "AML.T0062", "harmful_compliance"),
    "packagehallucination": _Area("unexpected_behaviour", "LLM09:2025", "AML.T0062", "harmful_compliance"),
    "xss": _Area("improper_output_handling", "LLM05:2025", "AML.T0051.000", "harmful_compliance"),
    "sql-injection": _Area("improper_output_handling", "LLM05:2025", "AML.T0051.000", "harmful_compliance"),
    "shell-injection": _Area("improper_output_handling", "LLM05:2025", "AML.T0051.000", "harmful_compliance"),
    "excessive-agency": _Area("excessive_agency", "LLM06:2025", "AML.T0053", "harmful_compliance"),
    "bias": _Area("bias", "LLM09:2025", "AML.T0048", "harmful_compliance"),
}


def import_suite(path: Path, fmt: Format, options: ImportOptions) -> Suite:
    """Read `path` in format `fmt` and return the validated suite; prompts repeated are kept once."""
    readers = {"jsonl": _jsonl, "csv": _csv, "garak": _garak, "promptfoo": _promptfoo}
    if fmt not in readers:
        raise InvalidInput(f"Unknown import format '{fmt}': use one of {', '.join(FORMATS)}.")
    if not path.is_file():
        raise SuiteFileError(str(path), None, "no such file to import.")
    probes: dict[str, dict[str, Any]] = {}
    needs_judge = 0
    for line, item in readers[fmt](path, options):
        if item["detector"] is None:
            needs_judge += 1
            item["detector"] = {"type": "judge", "judge": options.judge, "rubric": item.pop("rubric")}
        item.pop("rubric", None)
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
    return Suite.model_validate({
        "name": options.name, "description": f"Imported from {path.name} ({fmt}).", "probes": list(probes.values()),
    })


def _probe(prompt: str, *, title: str, area: _Area, options: ImportOptions, system: str | None = None,
           pattern: str | None = None, tags: tuple[str, ...] = (), pid: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "title": title[:200] or prompt[:80], "risk_area": area.risk_area, "owasp": area.owasp, "atlas": area.atlas,
        "prompt": prompt, "tags": tags, "rubric": area.rubric,
        "detector": {"type": "regex", "pattern": pattern} if pattern else None,
    }
    if system:
        item["system"] = system
    if pid:
        item["id"] = pid
    return item


def _default_area(options: ImportOptions) -> _Area:
    return _Area(options.risk_area, options.owasp, options.atlas, "harmful_compliance")


def _area_for(name: str) -> _Area:
    key = name.lower()
    for prefix, area in _AREAS.items():
        if key == prefix or key.startswith((prefix + ".", prefix + ":", prefix + "-", prefix + "_")):
            return area
    return _JAILBREAK


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
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


def _from_row(row: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    prompt = str(row.get("prompt") or "").strip()
    if not prompt:
        raise ValueError("the row has no 'prompt'")
    default = _default_area(options)
    area = _Area(str(row.get("risk_area") or default.risk_area), str(row.get("owasp") or default.owasp),
                 str(row.get("atlas") or default.atlas), str(row.get("rubric") or default.rubric))
    return _probe(prompt, title=str(row.get("title") or ""), area=area, options=options,
                  system=row.get("system") or None, pattern=row.get("success_regex") or None,
                  pid=row.get("id") or None)


def _jsonl(path: Path, options: ImportOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in _rows(path):
        try:
            yield number, _from_row(row, options)
        except ValueError as exc:
            raise SuiteFileError(str(path), number, f"{exc}.") from None


def _csv(path: Path, options: ImportOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    if not reader.fieldnames or "prompt" not in reader.fieldnames:
        raise SuiteFileError(str(path), 1, "the header row needs a 'prompt' column.")
    for row in reader:
        try:
            yield reader.line_num, _from_row(row, options)
        except ValueError as exc:
            raise SuiteFileError(str(path), reader.line_num, f"{exc}.") from None


def _garak(path: Path, options: ImportOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    """garak `*.report.jsonl`: one probe per distinct prompt of its `attempt` entries."""
    for number, row in _rows(path):
        if row.get("entry_type") != "attempt":
            continue
        system, prompt = _garak_prompt(row.get("prompt"))
        if not prompt:
            continue
        probe = str(row.get("probe_classname") or "garak")
        targets = [str(t) for t in row.get("targets") or [] if str(t).strip()]
        pattern = "|".join(re.escape(t) for t in targets) or None
        yield number, _probe(prompt, title=f"garak {probe}: {row.get('goal') or prompt[:60]}",
                             area=_area_for(probe), options=options, system=system, pattern=pattern,
                             tags=("garak", probe.split(".")[0]))


def _garak_prompt(value: Any) -> tuple[str | None, str]:
    """A prompt is a plain string (garak < 0.11) or a conversation of turns with message contents."""
    if isinstance(value, str):
        return None, value.strip()
    if not isinstance(value, dict):
        return None, ""
    system, user = None, ""
    for turn in value.get("turns") or []:
        content = turn.get("content")
        text = content.get("text") if isinstance(content, dict) else content
        if not isinstance(text, str):
            continue
        if turn.get("role") == "system":
            system = text
        elif turn.get("role") == "user":
            user = text
    return system, user.strip()


def _promptfoo(path: Path, options: ImportOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    """promptfoo `eval --output results.json`: one probe per rendered prompt of its results."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise SuiteFileError(str(path), exc.lineno, f"invalid JSON ({exc.msg}).") from None
    results = data.get("results") if isinstance(data, dict) else None
    if isinstance(results, dict):
        results = results.get("results")
    if not isinstance(results, list):
        raise SuiteFileError(str(path), None, "no 'results' list: is this the output of `promptfoo eval -o FILE.json`?")
    for item in results:
        if not isinstance(item, dict):
            continue
        system, prompt = _promptfoo_prompt(item)
        if not prompt:
            continue
        found = item.get("testCase")
        case: dict[str, Any] = found if isinstance(found, dict) else {}
        metadata = {**(case.get("metadata") or {}), **(item.get("metadata") or {})}
        plugin = str(metadata.get("pluginId") or "promptfoo")
        description = case.get("description") or metadata.get("goal") or prompt[:60]
        yield 1, _probe(prompt, title=f"promptfoo {plugin}: {description}", area=_area_for(plugin),
                        options=options, system=system, tags=("promptfoo", plugin.split(":")[0]))


def _promptfoo_prompt(item: dict[str, Any]) -> tuple[str | None, str]:
    prompt = item.get("prompt")
    raw = prompt.get("raw") if isinstance(prompt, dict) else prompt
    if not isinstance(raw, str):
        raw = str((item.get("vars") or {}).get("prompt") or "")
    text = raw.strip()
    if text.startswith("["):  # a chat prompt rendered as a JSON list of messages
        try:
            messages = json.loads(text)
        except json.JSONDecodeError:
            return None, text
        if isinstance(messages, list):
            system = next((m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "system"),
                          None)
            users = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
            return system, str(users[-1]).strip() if users else ""
    return None, text


def _probe_id(prompt: str, system: str | None) -> str:
    return "imp-" + hashlib.sha256(f"{system or ''}\x1f{prompt}".encode()).hexdigest()[:12]
