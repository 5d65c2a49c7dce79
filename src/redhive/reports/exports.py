"""Exports of a run's attempts: JSONL (one object per attempt, with its conversation's turns when
it has any) and JUnit XML (CI dashboards)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.runs import service
from redhive.runs.models import Attempt
from redhive.runs.turns import Turn

__all__ = ["write_jsonl", "write_junit"]

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
            handle.write(f'<testsuites name={quoteattr("redhive run " + run_id)} tests="{t["attempts"]}" '
                         f'failures="{failures}" errors="{t["errors"] + t["unscorable"]}">\n')
            handle.write(f'<testsuite name={quoteattr(run_id)} tests="{t["attempts"]}" '
                         f'failures="{failures}" errors="{t["errors"] + t["unscorable"]}">\n')
            async for a in service.iter_attempts(session, run_id):
                name = f"{a.probe_id} [{a.attack}] #{a.repeat}"
                handle.write(f'  <testcase classname={quoteattr(f"{a.target}.{a.suite}.{a.risk_area}")} '
                             f'name={quoteattr(name)} time="{a.latency_ms / 1000:.3f}">')
                if a.outcome == "success":
                    handle.write(f'<failure message={quoteattr(a.evidence or "attack succeeded")}>'
                                 f"{escape(a.response[:2000])}</failure>")
                elif a.outcome in ("error", "unscorable"):
                    handle.write(f'<error message={quoteattr(a.error or a.outcome)}/>')
                handle.write("</testcase>\n")
                count += 1
            handle.write("</testsuite>\n</testsuites>\n")
    return count


class _open:
    """Write to FILE.part and move it into place on success: no half-written exports."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".part")

    def __enter__(self):  # type: ignore[no-untyped-def]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.tmp.open("w", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"Cannot write {self.path} ({exc.strerror}): choose another path.") from None
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        self.handle.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
