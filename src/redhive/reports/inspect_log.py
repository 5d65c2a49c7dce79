"""Export a run as Inspect AI eval logs (the JSON log format, version 2) that `inspect view` opens.

An Inspect log holds one model, so a run with several targets gives one file per target
(`FILE` for one target; `FILE` with the target in its name otherwise). Given a folder instead of a
`.json` file, each log is named as Inspect names its own — `<created>_<task>_<model>_<id>.json`,
Inspect's `{task}_{model}_{id}` pattern — because `inspect view` lists only files whose names start
with such a timestamp. Each attempt is a sample:
id `probe|attack`, epoch = repeat + 1, the probe's system prompt and the prompt as sent as input,
the response as output, and one score `redhive` — "C" when the attack succeeded, "I" when the target
refused or resisted, "N" when unscorable; errored attempts carry an `error` and no score. An
over-refusal control (a harmless request) is scored `over_refusal` instead — "C" when the target
refused it — so the attack success rate stays the attacks' own. The
outcome, risk area and taxonomy ids travel in metadata. Written by hand, streamed from the database
(the inspect-ai package is not needed; tests read the files back with it when it is installed).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from redhive import __version__
from redhive.db.session import Database
from redhive.engine.suites import Probe, load_suite
from redhive.errors import RedhiveError
from redhive.reports.exports import _open
from redhive.runs import service
from redhive.runs.models import Attempt, Run
from redhive.runs.schemas import RunConfig

__all__ = ["inspect_file_name", "write_inspect_logs"]

_SCORE = {"success": "C", "refused": "I", "resisted": "I", "unscorable": "N"}


async def write_inspect_logs(db: Database, run_id: str, path: Path) -> list[tuple[Path, int]]:
    """Write the logs to FILE.json (named after it) or into a folder (named as Inspect names its
    logs); returns (file, samples) per target."""
    async with db.session() as session:
        summary = await service.summarise(session, run_id)
        run = await service.get_run(session, run_id)
        config = RunConfig.model_validate(run.config)
        probes = _probes(config)
        targets = [row.key["target"] for row in summary.targets]
        written = []
        for target in targets:
            if path.suffix != ".json":
                file = path / inspect_file_name(run.created_at, _task(config), target, run.id)
            elif len(targets) == 1:
                file = path
            else:
                file = path.with_name(f"{path.stem}.{_slug(target)}{path.suffix}")
            row = next(r for r in summary.targets if r.key["target"] == target)
            controls = [r for r in summary.over_refusal if r.key["target"] == target]
            with _open(file) as handle:
                count = await _write(handle, session, run, config, target, row.model_dump(), controls, probes)
            written.append((file, count))
    return written


async def _write(handle: TextIO, session: Any, run: Run, config: RunConfig, target: str, counts: dict[str, Any],
                 controls: list[Any], probes: dict[tuple[str, str], Probe]) -> int:
    created = run.created_at.isoformat()
    total = counts["attempts"] + sum(r.attempts for r in controls)
    errors = counts["errors"] + sum(r.errors for r in controls)
    header = {
        "version": 2,
        "status": "success" if run.status == "completed" else "cancelled" if run.status == "interrupted" else "error",
        "eval": {
            "eval_id": secrets.token_hex(11), "run_id": run.id, "created": created,
            "task": _task(config),
            "task_id": run.id, "task_version": 0,
            "dataset": {"name": ", ".join(config.suites), "samples": total},
            "model": target, "config": {}, "packages": {"redhive": __version__},
            "metadata": {"attacks": config.attacks, "repeats": config.repeats},
        },
        "plan": {"name": "redhive", "steps": [{"solver": "redhive/scan", "params": {"attacks": config.attacks}}]},
        "results": {
            "total_samples": total, "completed_samples": total - errors,
            "scores": [{"name": "redhive", "scorer": "redhive", "metrics": {
                "attack_success_rate": {"name": "attack_success_rate", "value": counts["asr"] or 0.0},
                "ci95_low": {"name": "ci95_low", "value": counts["ci95"][0]},
                "ci95_high": {"name": "ci95_high", "value": counts["ci95"][1]},
            }}],
        },
        "stats": {"started_at": created, "completed_at": (run.finished_at or run.created_at).isoformat(),
                  "model_usage": {}},
        "error": {"message": run.error, "traceback": "", "traceback_ansi": ""} if run.error else None,
    }
    if header["error"] is None:
        del header["error"]
    text = json.dumps(header, ensure_ascii=False)
    handle.write(text[:-1] + ', "samples": [')  # stream the samples into the open object
    count = 0
    async for attempt in service.iter_attempts(session, run.id, target=target):
        handle.write(("," if count else "") + json.dumps(_sample(attempt, probes), ensure_ascii=False))
        count += 1
    handle.write("]}\n")
    return count


def _sample(a: Attempt, probes: dict[tuple[str, str], Probe]) -> dict[str, Any]:
    probe = probes.get((a.suite, a.probe_id))
    messages: list[dict[str, Any]] = []
    if probe is not None and probe.system:
        messages.append({"role": "system", "content": probe.fill(probe.system)})
    messages.append({"role": "user", "content": a.prompt})
    sample: dict[str, Any] = {
        "id": f"{a.probe_id}|{a.attack}", "epoch": a.repeat + 1, "input": list(messages), "target": "",
        "metadata": {"suite": a.suite, "probe_id": a.probe_id, "attack": a.attack, "risk_area": a.risk_area,
                     "kind": a.kind, "outcome": a.outcome, "attempt_id": a.id,
                     **({"owasp": probe.owasp, "atlas": probe.atlas, "avid": list(probe.avid)} if probe else {})},
        "model_usage": {a.target: {"input_tokens": a.input_tokens, "output_tokens": a.output_tokens,
                                   "total_tokens": a.input_tokens + a.output_tokens}},
        "total_time": a.latency_ms / 1000,
    }
    if a.outcome == "error":
        sample["messages"] = messages
        sample["output"] = {"model": a.target, "choices": [], "error": a.error}
        sample["error"] = {"message": a.error or "error", "traceback": "", "traceback_ansi": ""}
        return sample
    reply = {"role": "assistant", "content": a.response, "source": "generate", "model": a.target}
    sample["messages"] = [*messages, reply]
    sample["output"] = {"model": a.target, "choices": [{"message": reply, "stop_reason": "stop"}],
                        "completion": a.response,
                        "usage": {"input_tokens": a.input_tokens, "output_tokens": a.output_tokens,
                                  "total_tokens": a.input_tokens + a.output_tokens}}
    scorer = "over_refusal" if a.kind == "control" else "redhive"
    sample["scores"] = {scorer: {"value": _SCORE[a.outcome], "answer": a.response[:2000],
                                 "explanation": a.evidence or a.outcome, "metadata": {"outcome": a.outcome}}}
    return sample


def _probes(config: RunConfig) -> dict[tuple[str, str], Probe]:
    """The run's probes (system prompts, taxonomy ids), when its suites can still be loaded."""
    found: dict[tuple[str, str], Probe] = {}
    for ref in config.suites:
        try:
            suite = load_suite(ref)
        except RedhiveError:
            continue  # a suite file moved since: samples go without its system prompt
        found.update({(suite.name, p.id): p for p in suite.probes})
    return found


def inspect_file_name(created: datetime, task: str, model: str, task_id: str) -> str:
    """The name Inspect gives a log (`inspect_ai._util.log_layout.eval_log_name` with the pattern
    `{task}_{model}_{id}`): each part with `_ / : +` made `-`, the task without its package prefix."""
    when = (created if created.tzinfo is None else created.astimezone(UTC)).replace(tzinfo=UTC)
    stamp = when.isoformat(timespec="seconds")
    parts = (stamp, task.split("/", 1)[-1], model, task_id)
    return "_".join(_clean(part) for part in parts) + ".json"


def _clean(part: str) -> str:
    return part.replace("_", "-").replace("/", "-").replace(":", "-").replace("+", "-")


def _task(config: RunConfig) -> str:
    return f"redhive/{'+'.join(config.suites) if len(config.suites) < 4 else 'scan'}"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
