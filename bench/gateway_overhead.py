"""Gateway overhead: what the controlled-access gateway adds to a chat-completions call, on loopback.

    .venv/bin/python bench/gateway_overhead.py             # full run, about 3 minutes
    .venv/bin/python bench/gateway_overhead.py --quick     # smoke run, about 20 s (tests/bench runs it)

One run starts, each in its own process (no shared event loop or GIL with the load generator):
- the mock upstream (`python -m redhive.testing.mock_openai --latency-ms N`),
- the gateway: `create_app` served by uvicorn (what `redhive serve` runs) on a fresh SQLite
  database seeded with an active mission, a participant and a mission key, one system version
  (`mock/v1`) backed by the mock — every call checks the key, the limits and the policy pipeline
  and is recorded in the mission's hash chain,
- LiteLLM's proxy over the same mock, when a Python with `litellm[proxy]` is found
  (`--litellm-python`, default bench/out/litellm-venv/bin/python).

Then, from this process, against each of direct (the mock), gateway and LiteLLM:
1. **Latency at a fixed rate**, open loop: request i is sent at t0 + i / rate whatever happened to
   the others (a scheduler, not a closed loop), and its latency counts from that scheduled instant,
   so queueing shows instead of being hidden (no coordinated omission). Rounds alternate direct and
   proxied; added p50/p99 = proxied − direct, per round, median over rounds.
2. **Maximum throughput**, closed loop: `--concurrency` workers send back to back for a fixed time.

Results go to bench/out/gateway_overhead.json (or --json PATH); bench/README.md has the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from redhive import aio

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LITELLM_KEY = "sk-bench-" + "0123456789abcdef" * 4  # its proxy refuses to start without a master key
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
BODY = {"messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 32}


# --- the gateway process ------------------------------------------------------------------------

async def _seed(db_url: str, upstream_url: str) -> str:
    """An active mission over one mock-backed version, a participant who accepted the terms, a key."""
    import hashlib
    from datetime import date, timedelta

    from redhive.auth import service as auth
    from redhive.db.session import Database
    from redhive.gateway import service as gateway
    from redhive.gateway.schemas import KeyCreate
    from redhive.kit import utcnow
    from redhive.missions.models import (
        Mission,
        MissionParticipant,
        MissionTarget,
        MissionTerms,
        TermsAcknowledgement,
    )
    from redhive.orgs.models import AISystem, Organization, SystemVersion

    db = Database(db_url)
    await db.ensure_schema()
    try:
        async with db.sessions() as session, session.begin():
            now = utcnow()
            lab = Organization(name="Bench Lab", name_key="bench lab", kind="developer", description="", created_at=now)
            session.add(lab)
            await session.flush()
            user = await auth.register_user(session, email="bench@example.test", display_name="Bench",
                                            password="a long bench passphrase")
            system = AISystem(org_id=lab.id, name="mock", kind="Model", description="", created_at=now)
            session.add(system)
            await session.flush()
            version = SystemVersion(system_id=system.id, label="v1", checkpoint_id="mock-1", safeguard_version="",
                                    system_prompt_hash="0" * 64, release_date=date(2026, 11, 1),
                                    upstream_target="openai:mock-model", upstream_base_url=upstream_url,
                                    upstream_credential_encrypted=None, created_at=now)
            mission = Mission(org_id=lab.id, title="Bench", objective="Measure.", risk_areas={"jailbreak": 1.0},
                              languages={"en": 1.0}, regions={}, disciplines={}, access_tier="T0_public",
                              hazard_ceiling="HZ1", starts_on=now.date() - timedelta(days=1),
                              ends_on=now.date() + timedelta(days=30), status="active", created_at=now,
                              updated_at=now)
            session.add_all([version, mission])
            await session.flush()
            terms = MissionTerms(mission_id=mission.id, version=1, rules_of_engagement="Bench only.", nda="None.",
                                 digest=hashlib.sha256(b"bench").hexdigest(), created_at=now)
            session.add_all([terms, MissionTarget(mission_id=mission.id, version_id=version.id),
                             MissionParticipant(mission_id=mission.id, user_id=user.id, role="red_teamer",
                                                joined_at=now)])
            await session.flush()
            session.add(TermsAcknowledgement(mission_id=mission.id, terms_id=terms.id, user_id=user.id,
                                             acknowledged_at=now))
            await session.flush()
            actor = await auth.load_actor(session, user, via="password")
            # limits far above the bench's load: what is measured is the checks, not a refusal
            _, secret = await gateway.issue_key(session, actor, mission.id, data=KeyCreate(
                label="bench", requests_per_minute=100_000, tokens_per_day=1_000_000_000, max_concurrent=1024))
            return secret
    finally:
        await db.dispose()


def serve_gateway(home: Path, upstream_url: str) -> None:
    """Child process: seed a fresh database, print 'URL KEY', serve create_app until SIGTERM."""
    import uvicorn

    from redhive.app import create_app
    from redhive.settings import Settings
    from redhive.testing.mock_openai import _listening_socket

    home.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{home / 'gateway.db'}"
    key = asyncio.run(_seed(db_url, upstream_url))
    app = create_app(Settings(home=home, database_url=db_url, secret_key=SECRET, env="dev"))
    sock = _listening_socket()
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="on",
                            timeout_keep_alive=120, backlog=2048)
    config.load()  # resolves "auto": what `redhive serve` gets (httptools and uvloop when installed)
    loop = config.get_loop_factory()
    print(f"http://127.0.0.1:{sock.getsockname()[1]}/v1 {key} http={config.http_protocol_class.__name__} "
          f"loop={getattr(loop, '__module__', 'asyncio')}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


# --- processes ----------------------------------------------------------------------------------

LOGS = OUT / "logs"
_NAMES: dict[int, str] = {}  # pid -> the name of its log


@contextmanager
def _process(argv: list[str], name: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """A server in its own process group; its stderr goes to bench/out/logs/NAME.log, not a pipe (a
    full pipe would stall a server that logs under load)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{name}.log").open("w") as log:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, text=True, env=env, start_new_session=True)
    _NAMES[proc.pid] = name
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _first_line(proc: subprocess.Popen[str], what: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line:
        raise SystemExit(f"The {what} did not start: {_log_tail(proc) or 'no output'}")
    return line


def _log_tail(proc: subprocess.Popen[str]) -> str:
    return (LOGS / f"{_NAMES[proc.pid]}.log").read_text(errors="replace").strip()[-600:]


def _check_alive(procs: list[subprocess.Popen[str]]) -> None:
    """A server that died during the run makes every later figure an error count: say so."""
    for proc in procs:
        if proc.poll() is not None:
            print(f"WARNING: the {_NAMES[proc.pid]} exited with {proc.returncode} during the run: "
                  f"{_log_tail(proc)}", flush=True)


def _litellm_python(option: str | None) -> str | None:
    candidate = option or str(OUT / "litellm-venv" / "bin" / "python")
    if not Path(candidate).exists():
        return None
    probe = subprocess.run([candidate, "-c", "import litellm.proxy.proxy_server"], capture_output=True, text=True,
                           env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}, timeout=120)
    return candidate if probe.returncode == 0 else None


@contextmanager
def litellm_proxy(python: str, upstream_url: str, workdir: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """LiteLLM's proxy (one worker, no database, no telemetry, local cost map) over the mock."""
    import socket

    config = workdir / "litellm.yaml"
    config.write_text(
        "model_list:\n  - model_name: mock/v1\n    litellm_params:\n      model: openai/mock-model\n"
        f"      api_base: {upstream_url}\n      api_key: unused\n"
        "litellm_settings:\n  telemetry: false\n  drop_params: true\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    litellm = str(Path(python).parent / "litellm")
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR",
           "DISABLE_SCHEMA_UPDATE": "True", "LITELLM_TELEMETRY": "False", "LITELLM_MASTER_KEY": LITELLM_KEY}
    env.pop("DATABASE_URL", None)
    with _process([litellm, "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
                   "--num_workers", "1"], "litellm", env=env) as proc:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"LiteLLM's proxy exited: {_log_tail(proc)}")
            try:
                if httpx.get(url + "/health/liveliness", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit("LiteLLM's proxy did not answer within 120 s.")
        yield url + "/v1", proc


# --- load ----------------------------------------------------------------------------------------

def _group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) of every process in a process group: the server under test."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ... utime(12) stime(13)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Target:
    def __init__(self, name: str, base_url: str, model: str, key: str = "unused", pgid: int = 0) -> None:
        self.name, self.url, self.pgid = name, base_url + "/chat/completions", pgid
        self.body = json.dumps({**BODY, "model": model}).encode()
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def _client(connections: int) -> aiohttp.ClientSession:
    """aiohttp: its C parser keeps the generator's CPU per request well under the servers' (httpx's,
    at 1–4 ms, saturated the generator at 500/s). A request past 30 s counts as an error."""
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=0, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30.0))


async def _send(client: aiohttp.ClientSession, target: Target) -> bool:
    """One call; False for a wrong answer, a timeout or a broken connection (a saturated server
    yields counted errors, not a crashed run)."""
    try:
        async with client.post(target.url, data=target.body, headers=target.headers) as response:
            content = await response.read()
    except (TimeoutError, aiohttp.ClientError, OSError):
        return False
    return response.status == 200 and b'"choices"' in content


async def _warm(client: aiohttp.ClientSession, target: Target, connections: int) -> None:
    """Open `connections` kept-alive connections before timing (errors are ignored here)."""
    await asyncio.gather(*(_send(client, target) for _ in range(connections)))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def open_loop(target: Target, rate: float, seconds: float) -> dict[str, Any]:
    """Send at a fixed rate whatever the answers do; latency from each request's scheduled instant."""
    n = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    late: list[float] = []
    async with _client(2048) as client:
        await _warm(client, target, 20)

        async def one(at: float) -> None:
            nonlocal errors
            late.append(time.perf_counter() - at)
            if await _send(client, target):
                latencies.append((time.perf_counter() - at) * 1000)
            else:
                errors += 1

        tasks = []
        start = time.perf_counter() + 0.05
        cpu = _group_cpu_s(target.pgid)
        for i in range(n):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(at)))
        await asyncio.gather(*tasks)
        elapsed, cpu = time.perf_counter() - start, _group_cpu_s(target.pgid) - cpu
    return {"target": target.name, "rate": rate, "n": n, "ok": len(latencies), "errors": errors,
            "achieved_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(_pct(latencies, 0.5), 3),
            "p90_ms": round(_pct(latencies, 0.9), 3), "p99_ms": round(_pct(latencies, 0.99), 3),
            "send_lag_p99_ms": round(_pct(late, 0.99) * 1000, 3),
            "server_cpu_ms_each": round(cpu * 1000 / max(n, 1), 3), "loadavg": os.getloadavg()}


async def closed_loop(target: Target, concurrency: int, seconds: float) -> dict[str, Any]:
    done = errors = 0
    async with _client(concurrency) as client:
        await _warm(client, target, concurrency)
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done, errors
            while time.perf_counter() < stop:
                if await _send(client, target):
                    done += 1
                else:
                    errors += 1

        began, cpu = time.perf_counter(), _group_cpu_s(target.pgid)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - began, _group_cpu_s(target.pgid) - cpu
    return {"target": target.name, "concurrency": concurrency, "ok": done, "errors": errors,
            "per_s": round(done / elapsed, 1), "server_cpu_ms_each": round(cpu * 1000 / max(done, 1), 3),
            "loadavg": os.getloadavg()}


async def settle(targets: list[Target], limit_s: float = 120.0) -> float:
    """Wait until every server is idle (under a tenth of a core for half a second): a saturated proxy
    goes on working through the requests the generator gave up on, and would load the next measure."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit_s:
        cpu = sum(_group_cpu_s(t.pgid) for t in targets)
        await asyncio.sleep(0.5)
        if sum(_group_cpu_s(t.pgid) for t in targets) - cpu < 0.05:
            break
    return round(time.perf_counter() - began, 1)


async def measure(targets: list[Target], args: argparse.Namespace) -> dict[str, Any]:
    direct, proxies = targets[0], targets[1:]
    rounds: list[dict[str, Any]] = []
    for r in range(args.rounds):
        row: dict[str, Any] = {"round": r + 1}
        for proxy in proxies:
            await settle(targets)
            base = await open_loop(direct, args.rate, args.seconds)
            await settle(targets)
            via = await open_loop(proxy, args.rate, args.seconds)
            row.setdefault("direct", []).append(base)
            row[proxy.name] = via
            row[f"{proxy.name}_added_p50_ms"] = round(via["p50_ms"] - base["p50_ms"], 3)
            row[f"{proxy.name}_added_p99_ms"] = round(via["p99_ms"] - base["p99_ms"], 3)
            print(f"  round {r + 1}: direct p50 {base['p50_ms']:.2f} p99 {base['p99_ms']:.2f} ms | {proxy.name} p50 "
                  f"{via['p50_ms']:.2f} p99 {via['p99_ms']:.2f} ms ({via['achieved_per_s']}/s, {via['errors']} errors)"
                  f" -> added p50 {row[f'{proxy.name}_added_p50_ms']:+.2f} "
                  f"p99 {row[f'{proxy.name}_added_p99_ms']:+.2f}; CPU {via['server_cpu_ms_each']} ms each, "
                  f"load {via['loadavg'][0]:.2f}", flush=True)
        rounds.append(row)
    throughput = {}
    for target in targets:
        await settle(targets)
        throughput[target.name] = await closed_loop(target, args.concurrency, args.tput_seconds)
        print(f"  max throughput {target.name}: {throughput[target.name]['per_s']} req/s, "
              f"{throughput[target.name]['server_cpu_ms_each']} ms server CPU each "
              f"({throughput[target.name]['errors']} errors)", flush=True)
    summary: dict[str, Any] = {}
    for proxy in proxies:
        summary[proxy.name] = {
            "added_p50_ms": statistics.median(row[f"{proxy.name}_added_p50_ms"] for row in rounds),
            "added_p99_ms": statistics.median(row[f"{proxy.name}_added_p99_ms"] for row in rounds),
            "max_per_s": throughput[proxy.name]["per_s"],
            "server_cpu_ms_each": throughput[proxy.name]["server_cpu_ms_each"],
        }
    summary["direct"] = {"max_per_s": throughput[direct.name]["per_s"],
                         "server_cpu_ms_each": throughput[direct.name]["server_cpu_ms_each"]}
    return {"rounds": rounds, "throughput": throughput, "summary": summary, "loadavg_end": os.getloadavg()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: low rate, short rounds, no LiteLLM")
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second of the open loop")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each open-loop round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32, help="workers of the throughput loop")
    parser.add_argument("--tput-seconds", type=float, default=10.0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="the mock upstream's latency")
    parser.add_argument("--litellm-python", help="a Python with litellm[proxy] (default bench/out/litellm-venv)")
    parser.add_argument("--no-litellm", action="store_true")
    parser.add_argument("--json", type=Path, default=OUT / "gateway_overhead.json")
    parser.add_argument("--serve-gateway", nargs=2, metavar=("HOME", "UPSTREAM"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-mock", metavar="LATENCY_MS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_mock is not None:
        from redhive.testing import mock_openai

        mock_openai.main(["--latency-ms", args.serve_mock])
        return
    if args.serve_gateway:
        serve_gateway(Path(args.serve_gateway[0]), args.serve_gateway[1])
        return
    if args.quick:
        args.rate, args.seconds, args.rounds, args.concurrency, args.tput_seconds = 100.0, 1.5, 1, 8, 1.5
        args.no_litellm = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the servers it started
    litellm_python = None if args.no_litellm else _litellm_python(args.litellm_python)
    workdir = Path(tempfile.mkdtemp(prefix="rh-gw-bench-"))
    py = sys.executable
    print(f"gateway overhead: {args.rate:.0f} req/s open loop × {args.seconds:g} s × {args.rounds} rounds, "
          f"throughput {args.concurrency} workers × {args.tput_seconds:g} s, upstream latency {args.latency_ms:g} ms"
          + (" — QUICK smoke run" if args.quick else ""), flush=True)
    try:
        # the mock_openai module served from this script: on the shared machine a process named
        # "python -m redhive.testing.mock_openai" was twice stopped by a SIGTERM from outside the run
        with _process([py, str(Path(__file__).resolve()), "--serve-mock", str(args.latency_ms)], "mock") as mock:
            upstream = _first_line(mock, "mock upstream")
            with _process([py, str(Path(__file__).resolve()), "--serve-gateway", str(workdir / "home"),
                           upstream], "gateway") as gw:
                gw_url, key, *served = _first_line(gw, "gateway").split()
                print(f"gateway served with {' '.join(served)}; load generator on {aio.loop_name()}; "
                      f"load average {os.getloadavg()}", flush=True)
                targets = [Target("direct", upstream, "mock-model", pgid=mock.pid),
                           Target("gateway", gw_url, "mock/v1", key, pgid=gw.pid)]
                if litellm_python:
                    with litellm_proxy(litellm_python, upstream, workdir) as (lite_url, lite):
                        targets.append(Target("litellm", lite_url, "mock/v1", LITELLM_KEY, pgid=lite.pid))
                        results = aio.run(measure(targets, args))
                        _check_alive([mock, gw, lite])
                else:
                    results = aio.run(measure(targets, args))
                    _check_alive([mock, gw])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    summary = results["summary"]
    gw = summary["gateway"]
    print(f"gateway added latency p50 {gw['added_p50_ms']:.3f} ms (target ≤ 1), p99 {gw['added_p99_ms']:.3f} ms "
          f"(target ≤ 5)")
    print(f"max throughput: direct {summary['direct']['max_per_s']} req/s, gateway {gw['max_per_s']} req/s; "
          f"server CPU per request: mock {summary['direct']['server_cpu_ms_each']} ms, gateway "
          f"{gw['server_cpu_ms_each']} ms (the gateway's own, the mock's not included)")
    if "litellm" in summary:
        lite = summary["litellm"]
        print(f"litellm added latency p50 {lite['added_p50_ms']:.3f} ms, p99 {lite['added_p99_ms']:.3f} ms; "
              f"max throughput {lite['max_per_s']} req/s; gateway / litellm throughput "
              f"{gw['max_per_s'] / max(lite['max_per_s'], 1e-9):.2f}× (target ≥ 3)")
    else:
        print("litellm: not measured (" + ("--quick/--no-litellm" if args.no_litellm else
                                           "no Python with litellm[proxy]: see bench/README.md") + ")")
    if args.quick:
        print("QUICK smoke run: figures are not measurements")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    config["generator_loop"] = aio.loop_name()
    args.json.write_text(json.dumps({"config": config, **results}, indent=2))
    print(f"results: {args.json}")


if __name__ == "__main__":
    main()
