"""`redhive scan`: run suites against targets, show the summary, gate CI on the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import err, fail, out, run, with_db
from redhive.cli.config_file import CONFIG_OPTION
from redhive.cli.gate import Condition, check_areas, parse_gate, scan_values
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

# The executor flags of `scan` and `agent-scan`, defined once.
EXECUTOR = typer.Option("local", "--executor", help="Where the run executes: local (this process) or ray (the "
                        "plan in shards across Ray workers, into the shared database; the ray extra).")
RAY_ADDRESS = typer.Option(None, "--ray-address", help="Ray cluster to join (what `ray start --head` prints); "
                           "default: a local cluster for this run.")
RAY_WORKERS = typer.Option(None, "--ray-workers", help="Ray workers, each running the run's --concurrency on its "
                           "shard (default: the cluster's CPUs).")


def scan(
    config: Path | None = CONFIG_OPTION,
    target: list[str] = typer.Option([], "--target", "-t", help="Target spec kind:name (repeatable): "
                                      "sim:naive, openai:gpt-4o-mini, anthropic:claude-…, hf:/path/to/model."),
    suite: list[str] = typer.Option([], "--suite", "-s",
                                    help="Built-in suite name or a .yaml/.jsonl path (repeatable)."),
    policy: list[Path] = typer.Option([], "--policy", help="Policy file of the system under test: adds the "
                                      "probes generated against exactly its rules (repeatable)."),
    attack: list[str] = typer.Option([], "--attack", "-a", help="Converter chain: base64,roleplay composes; "
                                      "repeat the option for several chains; 'all' = each converter alone + none."),
    repeats: int = typer.Option(1, "--repeats", "-n", help="Attempts per probe × attack × target."),
    concurrency: int = typer.Option(32, "--concurrency", "-c", help="Attempts in flight at once."),
    resume: str | None = typer.Option(None, "--resume",
                                      help="Resume an interrupted run: executes only what is missing."),
    executor: str = EXECUTOR,
    ray_address: str | None = RAY_ADDRESS,
    ray_workers: int | None = RAY_WORKERS,
    as_json: bool = typer.Option(False, "--json",
                                 help="Print one JSON object with totals and per-probe/category rows."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 1 when a condition holds, e.g. 'asr>0.05'."),
    base_url: str | None = BASE_URL,
    api_key: str | None = API_KEY,
    api_key_env: str | None = API_KEY_ENV,
    timeout: float = TIMEOUT,
    max_retries: int = MAX_RETRIES,
    rpm: float | None = RPM,
    target_concurrency: int | None = TARGET_CONCURRENCY,
    target_mode: str = typer.Option("auto", "--target-mode", help="model: the targets follow the system prompt "
                                    "they are sent; application: they bring their own (probes that plant a canary "
                                    "there are replaced by their application forms); auto: find out with a short "
                                    "handshake before the scan."),
    target_option: list[str] = TARGET_OPTION,
    temperature: float | None = typer.Option(None, "--temperature"),
    max_tokens: int | None = typer.Option(None, "--max-tokens"),
    seed: int | None = typer.Option(None, "--seed"),
    html: Path | None = typer.Option(None, "--html", help="Also write the HTML report to this file."),
    helper_model: str | None = typer.Option(None, "--helper-model", help="Target spec of the model that "
                                            "model-assisted converters (paraphrase, translate) call."),
    helper_base_url: str | None = typer.Option(None, "--helper-base-url", help="The helper model's endpoint."),
    helper_api_key_env: str | None = typer.Option(None, "--helper-api-key-env", metavar="VAR",
                                                  help="Environment variable holding the helper model's key."),
    strategy: list[str] = typer.Option([], "--strategy", help="Multi-turn attack: crescendo, pair or tap "
                                       "(repeatable); needs --attacker. Replaces --attack."),
    attacker: str | None = typer.Option(None, "--attacker", help="Target spec of the attacker model of "
                                        "--strategy (sim:attacker offline)."),
    attacker_base_url: str | None = typer.Option(None, "--attacker-base-url", help="The attacker's endpoint."),
    attacker_api_key_env: str | None = typer.Option(None, "--attacker-api-key-env", metavar="VAR",
                                                    help="Environment variable holding the attacker's key."),
    judge: str | None = typer.Option(None, "--judge", help="Target spec of the run's judge: it scores every judge "
                                     "detector of the suites and policies and the progress of pair and tap "
                                     "(sim:judge offline)."),
    judge_base_url: str | None = typer.Option(None, "--judge-base-url", help="The judge's endpoint."),
    judge_api_key_env: str | None = typer.Option(None, "--judge-api-key-env", metavar="VAR",
                                                 help="Environment variable holding the judge's key."),
    max_turns: int | None = typer.Option(None, "--max-turns", help="crescendo: kept turns (10); "
                                         "pair: refinement rounds per stream (3)."),
    max_backtracks: int | None = typer.Option(None, "--max-backtracks", help="crescendo: refusals erased (10)."),
    streams: int | None = typer.Option(None, "--streams", help="pair: independent streams (3)."),
    width: int | None = typer.Option(None, "--width", help="tap: leaves kept per level (4)."),
    depth: int | None = typer.Option(None, "--depth", help="tap: levels (5)."),
    branching: int | None = typer.Option(None, "--branching", help="tap: children per leaf (3)."),
    metrics_port: int | None = typer.Option(None, "--metrics-port", help="Serve the runner's Prometheus metrics "
                                            "on 127.0.0.1:PORT/metrics while the scan runs."),
    metrics_file: Path | None = typer.Option(None, "--metrics-file", help="Write the runner's Prometheus metrics "
                                             "to this file when the scan ends (node_exporter's textfile format)."),
) -> None:
    """Scan targets with suites of probes and attack converters."""
    from redhive.runs.scan import prepare_scan
    from redhive.runs.schemas import StrategyConfig, TargetConfig

    gate = parse_gate(fail_on) if fail_on is not None else []
    ray = ray_executor(executor, ray_address, ray_workers)
    params = {k: v for k, v in {"temperature": temperature, "max_tokens": max_tokens, "seed": seed}.items()
              if v is not None}
    prepared = None
    suite = [*suite, *(f"policy:{p.resolve()}" for p in policy)]
    limits = {k: v for k, v in {"max_turns": max_turns, "max_backtracks": max_backtracks, "streams": streams,
                                "width": width, "depth": depth, "branching": branching}.items() if v is not None}
    if not strategy and (attacker or limits):
        given = "--attacker" if attacker else "--" + next(iter(limits)).replace("_", "-")
        raise fail(f"{given} belongs to a multi-turn attack: add --strategy crescendo, pair or tap, or drop it.")
    if strategy and attacker is None and resume is None:
        raise fail("--strategy needs an attacker model: pass --attacker SPEC (for example --attacker sim:attacker).")
    if target_mode not in ("auto", "model", "application"):
        raise fail(f"--target-mode '{target_mode}' is not one of auto, model, application.")
    if resume is None:
        extra = target_options(target_option)
        target_concurrency = target_concurrency or concurrency
        mode = None if target_mode == "auto" else target_mode
        configs = [TargetConfig(spec=t, base_url=base_url, api_key_env=api_key_env, mode=mode,
                                concurrency=target_concurrency, rpm=rpm, timeout=timeout, max_retries=max_retries,
                                extra=extra) for t in target]

        def role(spec: str | None, role_url: str | None, key_env: str | None, flag: str) -> TargetConfig | None:
            if spec is None:
                if role_url or key_env:
                    raise fail(f"--{flag}-base-url and --{flag}-api-key-env need --{flag} SPEC.")
                return None
            return TargetConfig(spec=spec, base_url=role_url, api_key_env=key_env, timeout=timeout,
                                max_retries=max_retries, rpm=rpm, concurrency=target_concurrency)

        helper = role(helper_model, helper_base_url, helper_api_key_env, "helper")
        attacker_config = role(attacker, attacker_base_url, attacker_api_key_env, "attacker")
        judge_config = role(judge, judge_base_url, judge_api_key_env, "judge")
        plan_strategy = None
        if strategy:
            names = [n.strip() for item in strategy for n in item.split(",")]
            assert attacker_config is not None
            plan_strategy = StrategyConfig(names=names, attacker=attacker_config, limits=limits)
        prepared = run_sync_prepare(prepare_scan, targets=configs, suites=suite, attacks=attack, repeats=repeats,
                                    concurrency=concurrency, params=params, api_key=api_key, helper_model=helper,
                                    strategy=plan_strategy, judge=judge_config)
        run_sync_prepare(check_areas, conditions=gate, known=prepared.risk_areas)
    elif target or suite or attack or strategy or judge:
        raise fail("--resume continues a recorded run as it was planned: drop --target, --suite, --attack, "
                   "--strategy and --judge.")
    if ray is not None and (metrics_port is not None or metrics_file is not None):
        raise fail("--metrics-port and --metrics-file measure a scan that runs here, not on Ray workers: "
                   "drop them, or use --executor local.")
    metrics = _metrics(metrics_port, metrics_file)
    code = run(_scan, prepared, resume, api_key, as_json, gate, html, ray, metrics, metrics_file)
    raise typer.Exit(code)


def _metrics(port: int | None, file: Path | None) -> Any:
    """The run's metrics when asked for, their server started; None otherwise (no cost)."""
    if port is None and file is None:
        return None
    from redhive.engine.metrics import RunnerMetrics

    if file is not None and not file.parent.is_dir():
        raise fail(f"--metrics-file {file}: its folder does not exist; create it or choose another path.")
    metrics = RunnerMetrics()
    if port is not None:
        try:
            metrics.serve(port)
        except OSError as exc:
            raise fail(f"--metrics-port {port}: cannot listen there ({exc.strerror}); choose a free port.") from None
    return metrics


def ray_executor(executor: str, address: str | None, workers: int | None) -> Any:
    """The RayExecutor of `--executor ray` (None for local); Ray missing fails here, before any work."""
    if executor not in ("local", "ray"):
        raise fail(f"--executor '{executor}' is not one of local, ray.")
    if executor == "local":
        if address is not None or workers is not None:
            raise fail("--ray-address and --ray-workers apply to --executor ray: add it, or drop them.")
        return None
    from redhive.runs.ray_executor import RayExecutor, require_ray

    run_sync_prepare(require_ray)
    return run_sync_prepare(RayExecutor, address=address, workers=workers)


def describe_profile(spec: str, profile: dict[str, Any]) -> str:
    """One line on how a target treats the scanner's system prompt, and how the scan knows."""
    how = {"declared": "by its kind", "given": "as --target-mode says",
           "handshake": "by the handshake: it {} the system prompt it was sent"}[profile["source"]]
    if profile["source"] == "handshake":
        how = how.format("followed" if profile["mode"] == "model" else "ignored")
    forms = " (application forms of the probes)" if profile["mode"] == "application" else ""
    return f"{spec}: {profile['mode']}{forms}, {how}."


def run_sync_prepare(fn: Any, **kwargs: Any) -> Any:
    from redhive.errors import RedhiveError

    try:
        return fn(**kwargs)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None


async def _scan(prepared: Any, resume: str | None, api_key: str | None, as_json: bool,
                gate: list[Condition], html: Path | None, executor: Any, metrics: Any = None,
                metrics_file: Path | None = None) -> int:
    from redhive.runs import scan as scans

    async def body(db: Any) -> int:
        nonlocal prepared
        if prepared is None:
            prepared = await scans.prepare_resume(db, resume or "", api_key)
        check_areas(gate, prepared.risk_areas)
        progress = ScanProgress(title="scanning", label="run", unit="attempts", hits="successes", quiet=as_json)

        def on_progress(outcome: str) -> None:
            progress.advance(hit=outcome == "success", error=outcome == "error")

        def started(run_id: str, planned: int, stored: int) -> None:
            if not as_json:
                for spec, profile in prepared.config.profiles.items():
                    err.print(describe_profile(spec, profile), highlight=False, markup=False)
            progress.start(run_id, planned, stored)

        with progress:
            try:
                result = await scans.execute(db, prepared, on_start=started, on_progress=on_progress,
                                             metrics=metrics, executor=executor)
            finally:
                if metrics_file is not None:
                    metrics.write(metrics_file)
        if result.error is not None and not result.result.counts.attempts and not result.result.skipped:
            raise result.error  # nothing ran: the reason is all there is to say
        from redhive.runs import service

        async with db.session() as session:
            summary = await service.summarise(session, result.run_id)
        if html is not None:
            from redhive.reports.html import write_html_report

            await write_html_report(db, result.run_id, html)
        if as_json:
            out.print_json(json.dumps(summary.to_json()))
        else:
            from redhive.cli.render import print_summary  # rich's tables: after the run, not before

            print_summary(out, summary)
            if html is not None:
                out.print(f"HTML report: {html}", highlight=False)
        return conclude("scan", result.run_id, result.status, result.error, gate,
                        scan_values(summary.totals, summary.areas()))

    return await with_db(body, when_used=prepared is not None)  # a new scan: `scans.execute` opens it
