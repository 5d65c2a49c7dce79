"""Export an agent run as Inspect AI eval logs (JSON log format, version 2), one per target, named and
placed as `redhive.reports.inspect_log` names a scan's, so `inspect view` lists them.

Each episode is a sample: id `user_task|injection_task|attack|monitor_mode` (`benign` and `none` for an
episode without an injection), epoch = repeat + 1. Its messages are the conversation as the agent had
it, read from the hash-chained trace: the system prompt, the user's task, then per step the user's later
turns, the assistant's text with its tool calls, and each call's result as a tool message (a refused
call that did not run says why in its content). Two scores: `injection` ("C" when the injected task was carried
out, "I" when not, absent for a benign episode) and `utility` ("C" when the user's task was done, "I"
when not, "N" when it could not be decided); an errored episode carries an `error`. The run's targeted
attack success rate and utilities, per monitor mode, with the interval of the first, are the log's
metrics; status, steps, side effects and the trace's seal travel in metadata.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive import __version__
from redhive.db.session import Database
from redhive.engine.agentic.trace import Episode
from redhive.reports.exports import _open
from redhive.reports.inspect_log import _slug, inspect_file_name
from redhive.runs import agents as service
from redhive.runs.models import AgentEpisode, Run

__all__ = ["write_agent_inspect_logs"]

_METRICS = ("targeted_asr", "benign_utility", "utility_under_attack", "asr_when_seen", "side_effect_rate")
_ACTION_NOTE = {"rejected": "The monitor rejected this call; the tool did not run.",
                "skipped": "The episode was halted before this call; the tool did not run.",
                "invalid": "The call was invalid; the tool did not run."}


async def write_agent_inspect_logs(db: Database, run_id: str, path: Path) -> list[tuple[Path, int]]:
    """Write the logs to FILE.json (named after it) or into a folder (named as Inspect names its logs);
    returns (file, samples) per target."""
    async with db.session() as session:
        summary = await service.summarise(session, run_id)
        run = await service.get_run(session, run_id)
        rows = summary["targets"]
        targets = list(dict.fromkeys(row["target"] for row in rows))
        task = "redhive/agent-" + "+".join(run.config.get("envs") or ["scan"])
        written = []
        for target in targets:
            if path.suffix != ".json":
                file = path / inspect_file_name(run.created_at, task, target, run.id)
            elif len(targets) == 1:
                file = path
            else:
                file = path.with_name(f"{path.stem}.{_slug(target)}{path.suffix}")
            mine = [row for row in rows if row["target"] == target]
            with _open(file) as handle:
                count = await _write(handle, session, run, task, target, mine)
            written.append((file, count))
    return written


def _metrics(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    metrics: dict[str, dict[str, Any]] = {}
    for position, row in enumerate(rows):
        suffix = "" if position == 0 else f"_{row['monitor_mode']}"
        for name in _METRICS:
            found = row.get(name) or {}
            metrics[name + suffix] = {"name": name + suffix, "value": found.get("rate") or 0.0}
        if position == 0:
            low, high = (rows[0].get("targeted_asr") or {}).get("ci95") or (0.0, 1.0)
            metrics["ci95_low"], metrics["ci95_high"] = {"name": "ci95_low", "value": low}, \
                {"name": "ci95_high", "value": high}
    return metrics


async def _write(handle: TextIO, session: AsyncSession, run: Run, task: str, target: str,
                 rows: list[dict[str, Any]]) -> int:
    created = run.created_at.isoformat()
    total = sum(row["episodes"] for row in rows)
    errors = sum(row["errors"] for row in rows)
    header: dict[str, Any] = {
        "version": 2,
        "status": "success" if run.status == "completed" else "cancelled" if run.status == "interrupted" else "error",
        "eval": {
            "eval_id": secrets.token_hex(11), "run_id": run.id, "created": created, "task": task,
            "task_id": run.id, "task_version": 0,
            "dataset": {"name": ", ".join(run.config.get("envs") or []), "samples": total},
            "model": target, "config": {}, "packages": {"redhive": __version__},
            "metadata": {"attacks": run.config.get("attacks"), "monitor_modes": run.config.get("monitor_modes")},
        },
        "plan": {"name": "redhive", "steps": [{"solver": "redhive/agent-scan",
                                               "params": {"attacks": run.config.get("attacks")}}]},
        "results": {"total_samples": total, "completed_samples": total - errors,
                    "scores": [{"name": "injection", "scorer": "redhive", "metrics": _metrics(rows)}]},
        "stats": {"started_at": created, "completed_at": (run.finished_at or run.created_at).isoformat(),
                  "model_usage": {}},
    }
    if run.error:
        header["error"] = {"message": run.error, "traceback": "", "traceback_ansi": ""}
    text = json.dumps(header, ensure_ascii=False)
    handle.write(text[:-1] + ', "samples": [')  # stream the samples into the open object
    count = 0
    query = (select(AgentEpisode).where(AgentEpisode.run_id == run.id, AgentEpisode.target == target)
             .order_by(AgentEpisode.seq, AgentEpisode.monitor_mode).execution_options(yield_per=200))
    async for row in (await session.stream(query)).scalars():
        handle.write(("," if count else "") + json.dumps(_sample(row), ensure_ascii=False))
        count += 1
    handle.write("]}\n")
    return count


def _messages(episode: Episode) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if episode.system_prompt:
        messages.append({"role": "system", "content": episode.system_prompt})
    messages.append({"role": "user", "content": episode.prompt})
    for step in episode.steps:
        if step.user is not None:
            messages.append({"role": "user", "content": step.user})
        reply: dict[str, Any] = {"role": "assistant", "content": step.text, "source": "generate",
                                 "model": episode.target}
        if step.actions:
            reply["tool_calls"] = [{"id": a.call_id, "function": a.tool, "type": "function",
                                    "arguments": a.args if a.args is not None else {},
                                    **({} if a.args is not None else {"parse_error": a.arguments[:2000]})}
                                   for a in step.actions]
        messages.append(reply)
        for action in step.actions:
            content = action.result or action.error or _ACTION_NOTE.get(action.status, "")
            messages.append({"role": "tool", "content": content, "tool_call_id": action.call_id,
                             "function": action.tool})
    return messages


def _sample(row: AgentEpisode) -> dict[str, Any]:
    episode = Episode.from_dict(json.loads(row.trace))
    messages = _messages(episode)
    sample: dict[str, Any] = {
        "id": f"{row.user_task}|{row.injection_task or 'benign'}|{row.attack or 'none'}|{row.monitor_mode}",
        "epoch": row.repeat + 1, "input": messages[:2] if episode.system_prompt else messages[:1], "target": "",
        "messages": messages,
        "metadata": {"env": row.env, "user_task": row.user_task, "injection_task": row.injection_task,
                     "attack": row.attack, "monitor_mode": row.monitor_mode, "status": row.status,
                     "steps": row.steps, "episode_id": row.id, "seal": row.seal,
                     "side_effects": episode.side_effects, "utility_failures": list(episode.utility_failures)},
        "model_usage": {row.target: {"input_tokens": episode.input_tokens, "output_tokens": episode.output_tokens,
                                     "total_tokens": episode.input_tokens + episode.output_tokens}},
        "total_time": row.duration_ms / 1000,
    }
    if row.status == "error":
        sample["output"] = {"model": row.target, "choices": [], "error": episode.error}
        sample["error"] = {"message": episode.error or "the episode failed", "traceback": "", "traceback_ansi": ""}
        return sample
    final = {"role": "assistant", "content": episode.answer, "source": "generate", "model": row.target}
    sample["output"] = {"model": row.target, "choices": [{"message": final, "stop_reason": "stop"}],
                        "completion": episode.answer}
    scores: dict[str, Any] = {"utility": {
        "value": "N" if row.utility is None else "C" if row.utility else "I", "answer": episode.answer[:2000],
        "explanation": "; ".join(episode.utility_failures) or ("done" if row.utility else "undecided")}}
    if row.injection_task:
        scores["injection"] = {"value": "C" if row.injection_success else "I",
                               "explanation": f"the injected task {row.injection_task} was "
                                              f"{'carried out' if row.injection_success else 'not carried out'} "
                                              f"({row.attack})"}
    sample["scores"] = scores
    return sample
