"""garak's files as probes: a `*.report.jsonl` (its `attempt` entries) or a `*.hitlog.jsonl` (one line
per answer garak's detector flagged).

garak keeps a probe's expected outputs in `notes.triggers` (older reports: `targets`), and its
trigger-list detectors (`encoding.DecodeMatch`, `promptinject.AttackRogueString`, any
TriggerListDetector) flag an answer that contains one, case-insensitively. Such a probe gets the
`triggers` detector, which decides the same way. garak detectors that need their own model or word
lists (`mitigation.MitigationBypass`, `dan.DAN`, ...) do not travel: those prompts go to the judge, and
the import says which detectors were left behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from redhive.engine.suites.imports.common import ImportOptions, Notes, area_for, json_rows, probe

__all__ = ["is_garak_row", "output_text", "prompt_of", "read_garak", "triggers_of"]

#: garak detectors whose verdict is "a trigger appears in the answer"
_TRIGGER_DETECTORS = ("encoding.DecodeMatch", "promptinject.AttackRogueString", "base.TriggerListDetector")


def is_garak_row(row: dict[str, Any]) -> bool:
    """A report line has `entry_type`; a hitlog line has `attempt_id` and `detector`."""
    return "entry_type" in row or ("attempt_id" in row and "detector" in row)


def read_garak(path: Path, options: ImportOptions, notes: Notes) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in json_rows(path):
        if row.get("entry_type") == "attempt":
            classname = str(row.get("probe_classname") or "garak")
            detectors = list(row.get("detector_results") or {})
        elif "attempt_id" in row and "detector" in row:  # a hitlog line
            classname = str(row.get("probe") or "garak").removeprefix("probes.")
            detectors = [str(row["detector"])]
        else:
            continue
        system, prompt = prompt_of(row.get("prompt"))
        if not prompt:
            continue
        triggers = triggers_of(row)
        detector = {"type": "triggers", "triggers": triggers} if triggers else None
        for name in (n.removeprefix("detectors.") for n in detectors):
            if detector is None:
                notes.skip(f"garak detector {name} (judged instead)")
            elif name not in _TRIGGER_DETECTORS:
                notes.skip(f"garak detector {name} (its triggers checked by exact match instead)")
        yield number, probe(prompt, title=f"garak {classname}: {row.get('goal') or prompt[:60]}",
                            area=area_for(classname), system=system, detector=detector,
                            tags=("garak", classname.split(".")[0]))


def triggers_of(row: dict[str, Any]) -> list[str]:
    """`notes.triggers` (a hitlog's `triggers`), else the older `targets`; a single string is one trigger."""
    found = row.get("triggers")
    if found is None:
        found = (row.get("notes") or {}).get("triggers")
    if not found:
        found = row.get("targets")
    if isinstance(found, str):
        found = [found]
    return [str(t) for t in found or [] if str(t).strip()]


def prompt_of(value: Any) -> tuple[str | None, str]:
    """A prompt is a plain string (garak < 0.11) or a conversation of turns whose content is a
    message ({text, lang, ...}); the last user turn is the prompt, a system turn the system prompt."""
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


def output_text(value: Any) -> str | None:
    """An answer as garak records it: a message dict ({text, lang, ...}), or a string in older files."""
    if isinstance(value, dict):
        text = value.get("text")
        return text if isinstance(text, str) else None
    return value if isinstance(value, str) else None
