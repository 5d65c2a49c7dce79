"""`redhive agent-scan`: run tool-using agents through simulated environments with injections,
store every episode's trace, show the metrics, gate CI on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import fail, out, run, with_db
from redhive.cli.gate import Condition, parse_gate
from redhive.cli.scan import EXECUTOR, RAY_ADDRESS, RAY_WORKERS, ray_executor, run_sync_prepare
from redhive.cli.scan_output import ScanProgress, conclude
from redhive.cli.target_flags import (
    API_KEY,
    API_KEY_ENV,
    BASE_URL,
    MAX_RETRIES,
    RPM,
    TARGET_CONCURRENCY,
    TARGET_OPTION,
    TIMEOUT,
    target_options,
)

GATE_RATES = ("benign_utility", "utility_under_attack", "targeted_asr", "asr_when_seen", "injection_seen",
              "side_effect_rate", "irreversible_side_effect_rate", "forbidden_action_rate",
              "forbidden_executed_rate", "goal_drift", "completion_under_policy", "invalid_call_rate")
GATE_COUNTS = ("errors", "episodes", "cascades")


def parse_agent_gate(text: str) -> list[Condition]:
    return parse_gate(text, (*GATE_RATES, *GATE_COUNTS), areas=False, example="targeted_asr>0.05")


def gate_values(metrics: dict[str, Any]) -> dict[str, float]:
    """Rates as fractions (a rate with n = 0 counts as 0), counts as numbers."""
    values = {name: float(metrics[name]["rate"] or 0.0) for name in GATE_RATES}
    values.update(errors=float(metrics["errors"]), episodes=float(metrics["episodes"]),
                  cascades=float(metrics["cascades"]["events"]))
    return values


def agent_scan(
    target: list[str] = typer.Option([], "--target", "-t", help="Agent target spec (repeatable): "
                                      "sim:agent-naive, sim:agent-hardened, openai:gpt-4o-mini, …"),
    env: list[str] = typer.Option([], "--env", "-e", help="Environments: built-in names, data sets "
                                  "(workspace:long), AgentDojo suites (agentdojo:banking, with the agentdojo "
                                  "extra) or environment files, comma-separated or repeated."),
    attacks: list[str] = typer.Option(["injection"], "--attacks", "-a", help="Injection attacks, comma-separated: "
                                      "injection (the four classic templates), all, dos, none (benign only), or "
                                      "names (redhive attacks list --agentic)."),
    monitor: str = typer.Option("flag", "--monitor", "-m", help="flag (record findings), halt (circuit breaker) or "
                                "both (paired episodes on the same seeds: the safeguard delta)."),
    repeats: int = typer.Option(1, "--repeats", "-n", help="Episodes per cell (each repeat has its own seed)."),
    concurrency: int = typer.Option(16, "--concurrency", "-c", help="Episodes in flight at once."),
    resume: str | None = typer.Option(None, "--resume", help="Resume an interrupted agent run: runs only the "
                                      "episodes that are missing."),
    executor: str = EXECUTOR,
    ray_address: str | None = RAY_ADDRESS,
    ray_workers: int | None = RAY_WORKERS,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the metrics."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 1 when a condition holds, e.g. "
                                       "'targeted_asr>0.05,benign_utility<0.8'."),
    benign: bool = typer.Option(True, "--benign/--no-benign", help="Also run every user task without injection."),
    user_task: list[str] = typer.Option([], "--user-task", help="Only these user tasks (repeatable)."),
    injection_task: list[str] = typer.Option([], "--injection-task", help="Only these injection tasks (repeatable)."),
    max_steps: int = typer.Option(15, "--max-steps", help="Model turns per episode before it counts as a loop."),
    episode_timeout: float = typer.Option(120.0, "--episode-timeout", help="Seconds per episode."),
    seed: int = typer.Option(0, "--seed", help="Base seed of the environments."),
    user_model: str | None = typer.Option(None, "--user-model", help="Target spec of a simulated user for "
                                          "multi-turn tasks (sim:user for a deterministic one)."),
    attacker_model: str | None = typer.Option(None, "--attacker-model", help="Target spec of the attacker model "
                                              "of adaptive attacks (adaptive_rewrite; sim:attacker offline)."),
    base_url: str | None = BASE_URL,
    api_key: str | None = API_KEY,
    api_key_env: str | None = API_KEY_ENV,
    timeout: float = TIMEOUT,
    max_retries: int = MAX_RETRIES,
    rpm: float | None = RPM,
    target_concurrency: int | None = TARGET_CONCURRENCY,
    target_option: list[str] = TARGET_OPTION,
    temperature: float | None = typer.Option(None, "--temperature"),
    max_tokens: int | None = typer.Option(None, "--max-tokens"),
    html: Path | None = typer.Option(None, "--html", help="Also write the HTML report to this file."),
) -> None:
    """Test tool-using agents in simulated environments with planted injections (docs/agentic.md)."""
    from redhive.runs.agent_scan import prepare
    from redhive.runs.schemas import TargetConfig

    gate = run_sync_prepare(parse_agent_gate, text=fail_on) if fail_on is not None else []
    ray = ray_executor(executor, ray_address, ray_workers)
    params = {k: v for k, v in {"temperature": temperature, "max_tokens": max_tokens}.items() if v is not None}
    prepared = None
    if resume is None:
        extra = target_options(target_option)
        target_concurrency = target_concurrency or concurrency

        def config(spec: str) -> TargetConfig:
            return TargetConfig(spec=spec, base_url=base_url, api_key_env=api_key_env, concurrency=target_concurrency,
                                rpm=rpm, timeout=timeout, max_retries=max_retries, extra=extra)

        prepared = run_sync_prepare(
            prepare, targets=[config(t) for t in target], envs=env, attacks=attacks, monitor=monitor,
            repeats=repeats, concurrency=concurrency, max_steps=max_steps, episode_timeout=episode_timeout,
            seed=seed, params=params, api_key=api_key, benign=benign, user_tasks=user_task or None,
            injection_tasks=injection_task or None, user_model=config(user_model) if user_model else None,
            attacker_model=config(attacker_model) if attacker_model else None,
        )
    elif target or env:
        raise fail("--resume continues a recorded agent run as it was planned: drop --target and --env.")
    code = run(_agent_scan, prepared, resume, api_key, as_json, gate, html, ray)
    raise typer.Exit(code)


async def _agent_scan(prepared: Any, resume: str | None, api_key: str | None, as_json: bool,
                      gate: list[Condition], html: Path | None, executor: Any) -> int:
    from redhive.runs import agent_scan as scans
    from redhive.runs import agents as service

    async def body(db: Any) -> int:
        nonlocal prepared
        if prepared is None:
            prepared = await scans.prepare_resume(db, resume or "", api_key)
        progress = ScanProgress(title="agent scan", label="agent run", unit="episodes",
                                hits="injections succeeded", quiet=as_json)

        def on_episode(ep: Any) -> None:
            progress.advance(hit=bool(ep.injection_success), error=not ep.scored)

        def on_stored(outcome: str) -> None:  # --executor ray: episodes stored by the workers
            progress.advance(hit=outcome == "success", error=outcome == "error")

        with progress:
            result = await scans.execute(db, prepared, on_start=progress.start, on_episode=on_episode,
                                         on_progress=on_stored, executor=executor)
        if result.error is not None and not result.result.finished and not result.result.skipped:
            raise result.error  # nothing ran: the reason is all there is to say
        async with db.session() as session:
            summary = await service.summarise(session, result.run_id)
        if html is not None:
            from redhive.reports.html import write_html_report

            await write_html_report(db, result.run_id, html)
        summary["run"]["this_invocation"] = {"ran": result.result.finished, "skipped": result.result.skipped}
        if as_json:
            out.print_json(json.dumps(summary))
        else:
            from redhive.cli.agent_render import print_agent_summary

            print_agent_summary(out, summary)
            if html is not None:
                out.print(f"HTML report: {html}", highlight=False)
        return conclude("agent-scan", result.run_id, result.status, result.error, gate,
                        gate_values(summary["metrics"]))

    return await with_db(body)
