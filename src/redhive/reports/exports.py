"""Exports of a run's attempts: JSONL (one object per attempt, with its conversation's turns when
it has any) and JUnit XML (CI dashboards). SARIF is in `redhive.reports.sarif`.

JUnit stays well-formed XML whatever a model answered: characters XML 1.0 cannot hold (control
characters, lone surrogates, U+FFFE/U+FFFF) are written as visible `\\xNN` / `\\uNNNN` escapes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.runs import service
from redhive.runs.models import Attempt
from redhive.runs.turns import Turn

__all__ = ["junit_testcase", "write_jsonl", "write_junit", "xml_safe"]

#: What XML 1.0 cannot hold, even escaped: C0 controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with what XML cannot hold written as a visible escape (`\\x1b`, `\\ud800`)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _attr(text: str) -> str:
    return quoteattr(xml_safe(text))

_FIELDS = ("id", "seq", "suite", "probe_id", "risk_area", "kind", "attack", "target", "repeat", "outcome", "prompt",
           "response", "error", "evidence", "latency_ms", "input_tokens", "output_tokens")


_TURN_FIELDS = ("role", "content", "branch", "parent", "score", "note")


def attempt_dict(a: Attempt, run_id: str, turns: list[Turn] | None = None) -> dict[str, object]:
    row: dict[str, object] = {"run_id": run_id, **{f: getattr(a, f) for f in _FIELDS}}
    row["created_at"] = a.created_at.isoformat()
    if turns:
        row["turns"] = [{"index": t.idx, **{f: getattr(t, f) for f in _TURN_FIELDS}} for t in turns]
    return row


async def write_jsonl(db: Database, run_id: str, path: Path) -> int:
    count = 0
    async with db.session() as session:
        await service.get_run(session, run_id)
        with _open(path) as handle:
            async for attempt, turns in service.iter_attempts_with_turns(session, run_id):
                handle.write(json.dumps(attempt_dict(attempt, run_id, turns), ensure_ascii=False) + "\n")
                count += 1
    return count


async def write_junit(db: Database, run_id: str, path: Path) -> int:
    """One <testcase> per attempt: a success of the attack (or an over-refused control) is a
    <failure> of the model under test, an errored or unscorable attempt an <error>, a refusal or
    resistance a pass."""
    async with db.session() as session:
        summary = await service.summarise(session, run_id)
        t = summary.totals
        failures = t["successes"] + t["over_refusal"]["refusals"]
        count = 0
        with _open(path) as handle:
            handle.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            handle.write(f'<testsuites name={_attr("redhive run " + run_id)} tests="{t["attempts"]}" '
                         f'failures="{failures}" errors="{t["errors"] + t["unscorable"]}">\n')
            handle.write(f'<testsuite name={_attr(run_id)} tests="{t["attempts"]}" '
                         f'failures="{failures}" errors="{t["errors"] + t["unscorable"]}">\n')
            async for a in service.iter_attempts(session, run_id):
                handle.write(junit_testcase(a))
                count += 1
            handle.write("</testsuite>\n</testsuites>\n")
    return count


def junit_testcase(a: Attempt) -> str:
    """One attempt's <testcase> element (and a newline)."""
    name = f"{a.probe_id} [{a.attack}] #{a.repeat}"
    out = (f'  <testcase classname={_attr(f"{a.target}.{a.suite}.{a.risk_area}")} name={_attr(name)} '
           f'time="{a.latency_ms / 1000:.3f}">')
    if a.outcome == "success":
        answer = escape(xml_safe(a.response[:2000]), {"\r": "&#13;"})  # a bare CR would be read back as LF
        out += f'<failure message={_attr(a.evidence or "attack succeeded")}>{answer}</failure>'
    elif a.outcome in ("error", "unscorable"):
        out += f"<error message={_attr(a.error or a.outcome)}/>"
    return out + "</testcase>\n"


def write_file(path: Path, text: str | bytes, option: str = "path") -> None:
    """Write `text` (or a PDF's bytes) to FILE.part and move it into place: a report is whole or
    absent. `option` names the flag to change in the one sentence a failure gets (`--html path`, `-o path`)."""
    with _open(path, option, binary=isinstance(text, bytes)) as handle:
        handle.write(text)


class _open:
    """Write to FILE.part and move it into place on success: no half-written exports."""

    def __init__(self, path: Path, option: str = "path", *, binary: bool = False) -> None:
        self.path, self.option, self.binary = path, option, binary
        self.tmp = path.with_name(path.name + ".part")

    def __enter__(self):  # type: ignore[no-untyped-def]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.tmp.open("wb") if self.binary else self.tmp.open("w", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"Cannot write {self.path} ({exc.strerror}): choose another {self.option}.") from None
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        self.handle.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
