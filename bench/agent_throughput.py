"""Agent-loop throughput: episodes per second against the simulated agents, and the engine's
overhead per step against a mock OpenAI endpoint that calls tools.

1. Scripted (no HTTP): `run_agent_scan` with `sim:agent-naive` + `sim:agent-hardened` on the
   workspace environment with the `important_instructions` attack (benign and attacked episodes:
   reset, 3-5 steps, monitors, hash-chained trace, checks), no episode kept in memory. Measured in
   one process (one core) and in two processes at once (the "2 cores" figure); CPU ms per
   episode from `time.process_time()`.
2. Scripted + stored: the same through `redhive.runs.agent_scan.execute`, every episode written
   with its trace to a fresh SQLite file (what `redhive agent-scan` does); and the process's RSS
   over a longer stored run (30 x 182 episodes), which should stay flat after warm-up.
3. Mock endpoint: the mock (`python -m redhive.testing.mock_openai --agent-steps 3`) runs in its
   own process and answers as an agent that calls `list_files` three times, then answers (4 model
   turns per episode). The engine runs benign workspace episodes against it through the openai:
   target; the ceiling is a bare httpx loop posting a request of the same size (system prompt,
   task, the tool specs; serialised once, one single-connection client per slot) and parsing
   each answer. Engine overhead per step = engine CPU per
   model turn minus bare-loop CPU per request (both client side, same concurrency).

Targets (shared/reference/agentic-bio.md D6): <= 5 ms per workspace-sized episode; >= 200
scripted episodes/s on 2 cores. Figures go to bench/README.md.

    .venv/bin/python bench/agent_throughput.py            # full run, about 2 minutes
    .venv/bin/python bench/agent_throughput.py --quick    # smoke run, seconds
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

DEFAULT_JSON = Path(__file__).parent / "out" / "agent_throughput.json"
TARGET_MS_PER_EPISODE = 5.0
TARGET_EPISODES_PER_S_2_CORES = 200.0
AGENTS = ["sim:agent-naive", "sim:agent-hardened"]


def _figures(n: int, steps: int, wall: float, cpu: float) -> dict[str, Any]:
    return {"episodes": n, "steps": steps, "seconds": round(wall, 3), "episodes_per_s": round(n / wall, 1),
            "cpu_ms_per_episode": round(cpu * 1000 / n, 3), "cpu_ms_per_step": round(cpu * 1000 / max(steps, 1), 3)}


# -- 1. scripted, in memory ---------------------------------------------------------------------


def scripted(repeats: int, concurrency: int = 16) -> dict[str, Any]:
    from redhive.engine.agentic import load_environment, run_agent_scan

    env = load_environment("workspace")  # ~50 ms once, outside the timing
    counts = {"n": 0, "steps": 0}

    def on_episode(ep: Any) -> None:
        counts["n"] += 1
        counts["steps"] += len(ep.steps)

    async def go() -> None:
        await run_agent_scan(AGENTS, [env], ["important_instructions"], "flag", repeats=repeats,
                             concurrency=concurrency, keep=False, on_episode=on_episode)

    asyncio.run(run_agent_scan(AGENTS, [env], ["important_instructions"], "flag", user_tasks=["reply-lunch"]))
    t0, c0 = time.perf_counter(), time.process_time()
    asyncio.run(go())
    return _figures(counts["n"], counts["steps"], time.perf_counter() - t0, time.process_time() - c0)


def _child(repeats: int, queue: Any) -> None:
    queue.put(scripted(repeats))


def scripted_two_processes(repeats: int) -> dict[str, Any]:
    """Two processes at once, each its own scan: the 2-core throughput is their summed episodes
    over the longer wall time."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(repeats, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    n = sum(r["episodes"] for r in results)
    wall = max(r["seconds"] for r in results)
    return {"episodes": n, "seconds": wall, "episodes_per_s": round(n / wall, 1),
            "cpu_ms_per_episode": [r["cpu_ms_per_episode"] for r in results]}


# -- 2. scripted, stored -----------------------------------------------------------------------


def stored(repeats: int) -> dict[str, Any]:
    from redhive.db.session import Database
    from redhive.runs import agent_scan as scans
    from redhive.runs.schemas import TargetConfig

    async def go(folder: str) -> dict[str, Any]:
        db = Database(f"sqlite:///{folder}/bench.db")
        await db.ensure_schema()
        prepared = scans.prepare(targets=[TargetConfig(spec=s) for s in AGENTS], envs=["workspace"],
                                 attacks=["important_instructions"], monitor="flag", repeats=repeats,
                                 concurrency=16, max_steps=15, episode_timeout=120, seed=0, params={},
                                 api_key=None)
        steps = {"n": 0}
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = await scans.execute(db, prepared, on_episode=lambda ep: steps.__setitem__("n", steps["n"]
                                                                                          + len(ep.steps)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        await db.dispose()  # checkpoints the WAL into the file
        size = sum(f.stat().st_size for f in Path(folder).glob("bench.db*"))
        ran = outcome.result.finished
        return {**_figures(ran, steps["n"], wall, cpu), "db_bytes_per_episode": size // max(ran, 1)}

    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(go(folder))


def stored_rss(repeats: int) -> dict[str, Any]:
    """RSS of this process over a long stored scan (`repeats` x 182 episodes), sampled every
    0.5 s: memory should stay flat after warm-up (10 % of the episodes), as no trace is kept."""
    import os
    import threading

    page = os.sysconf("SC_PAGE_SIZE")

    def rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * page

    samples: list[tuple[int, int]] = []  # (episodes done, bytes)
    done = {"n": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            samples.append((done["n"], rss()))

    from redhive.db.session import Database
    from redhive.runs import agent_scan as scans
    from redhive.runs.schemas import TargetConfig

    async def go(folder: str) -> None:
        db = Database(f"sqlite:///{folder}/rss.db")
        await db.ensure_schema()
        prepared = scans.prepare(targets=[TargetConfig(spec=s) for s in AGENTS], envs=["workspace"],
                                 attacks=["important_instructions"], monitor="flag", repeats=repeats,
                                 concurrency=16, max_steps=15, episode_timeout=120, seed=0, params={},
                                 api_key=None)
        await scans.execute(db, prepared, on_episode=lambda ep: done.__setitem__("n", done["n"] + 1))
        await db.dispose()

    start = rss()
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(go(folder))
    stop.set()
    thread.join()
    total = done["n"]
    warm = next((b for n, b in samples if n >= total // 10), start)
    later = [b for n, b in samples if n >= total // 10] or [warm]
    mib = 1024 * 1024
    return {"episodes": total, "start_mib": round(start / mib, 1), "warmup_mib": round(warm / mib, 1),
            "peak_after_warmup_mib": round(max(later) / mib, 1), "end_mib": round(later[-1] / mib, 1),
            "growth_after_warmup_mib": round((max(later) - warm) / mib, 1), "samples": len(samples)}


# -- 3. against the mock endpoint ---------------------------------------------------------------


class Mock:
    def __init__(self, steps: int) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "redhive.testing.mock_openai", "--agent-steps",
                                      str(steps), "--reply", "Done: the files are listed."],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError("the mock endpoint did not start")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def engine_against_mock(url: str, repeats: int, concurrency: int) -> dict[str, Any]:
    from redhive.engine.agentic import load_environment, run_agent_scan
    from redhive.engine.targets.base import TargetOptions, create_target

    env = load_environment("workspace")
    counts = {"n": 0, "steps": 0, "bad": 0}

    def on_episode(ep: Any) -> None:
        counts["n"] += 1
        counts["steps"] += len(ep.steps)
        counts["bad"] += ep.status != "completed"

    async def go(r: int) -> None:
        target = create_target("openai:mock-model", TargetOptions(base_url=url, api_key="bench",
                                                                  concurrency=concurrency, max_retries=0))
        try:
            await run_agent_scan([target], [env], [], "flag", repeats=r, concurrency=concurrency, keep=False,
                                 on_episode=on_episode)
        finally:
            await target.aclose()

    asyncio.run(go(1))  # warm-up: imports, the client, the connection pool
    counts.update(n=0, steps=0, bad=0)
    t0, c0 = time.perf_counter(), time.process_time()
    asyncio.run(go(repeats))
    out = _figures(counts["n"], counts["steps"], time.perf_counter() - t0, time.process_time() - c0)
    out["not_completed"] = counts["bad"]
    return out


def request_body() -> dict[str, Any]:
    from redhive.engine.agentic import load_environment

    env = load_environment("workspace")
    task = next(iter(env.user_tasks.values()))
    return {"model": "mock-model", "messages": [{"role": "system", "content": env.system_prompt},
                                                {"role": "user", "content": task.prompt}],
            "tools": env.tool_specs()}


def bare_against_mock(url: str, n: int, concurrency: int) -> dict[str, Any]:
    """One single-connection client per in-flight slot: the faster of the two bare loops of
    engine_throughput.py (httpcore's pool scans every connection on each request)."""
    payload = json.dumps(request_body()).encode()
    headers = {"content-type": "application/json", "authorization": "Bearer bench"}

    async def go() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        clients = [httpx.AsyncClient(limits=limits, timeout=60) for _ in range(concurrency)]
        remaining = n

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                response = await client.post(url + "/chat/completions", content=payload, headers=headers)
                response.raise_for_status()
                response.json()

        try:
            await asyncio.gather(*(worker(c) for c in clients))
        finally:
            for client in clients:
                await client.aclose()

    asyncio.run(go())
    t0, c0 = time.perf_counter(), time.process_time()
    asyncio.run(go())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"requests": n, "seconds": round(wall, 3), "requests_per_s": round(n / wall, 1),
            "cpu_ms_per_request": round(cpu * 1000 / n, 3)}


# -- driver ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    rounds = [scripted(args.repeats) for _ in range(args.rounds)]
    best = min(rounds, key=lambda r: r["cpu_ms_per_episode"])
    results: dict[str, Any] = {
        "config": {"quick": args.quick, "repeats": args.repeats, "rounds": args.rounds,
                   "python": platform.python_version(), "cpus": multiprocessing.cpu_count()},
        "scripted": {"rounds": rounds, "median_cpu_ms_per_episode": statistics.median(
            r["cpu_ms_per_episode"] for r in rounds), "best": best},
        "scripted_two_processes": scripted_two_processes(args.repeats),
        "stored": stored(args.repeats),
        "stored_rss": stored_rss(args.rss_repeats),
    }
    mock = Mock(steps=3)
    try:
        engine = engine_against_mock(mock.url, args.mock_repeats, args.concurrency)
        bare = bare_against_mock(mock.url, engine["steps"], args.concurrency)
    finally:
        mock.close()
    results["mock"] = {"engine": engine, "bare": bare, "overhead_cpu_ms_per_step": round(
        engine["cpu_ms_per_step"] - bare["cpu_ms_per_request"], 3)}
    return results


def report(r: dict[str, Any]) -> str:
    s, two, st, m = r["scripted"], r["scripted_two_processes"], r["stored"], r["mock"]
    ok_ms = s["median_cpu_ms_per_episode"] <= TARGET_MS_PER_EPISODE
    ok_rate = two["episodes_per_s"] >= TARGET_EPISODES_PER_S_2_CORES
    rss = r["stored_rss"]
    lines = [
        f"scripted, 1 process: {s['best']['episodes_per_s']} episodes/s (best of {len(s['rounds'])}), "
        f"CPU per episode median {s['median_cpu_ms_per_episode']} ms "
        f"({s['best']['cpu_ms_per_step']} ms per step) -> target <= {TARGET_MS_PER_EPISODE} ms: "
        f"{'met' if ok_ms else 'NOT met'}",
        f"scripted, 2 processes: {two['episodes_per_s']} episodes/s -> target >= {TARGET_EPISODES_PER_S_2_CORES}: "
        f"{'met' if ok_rate else 'NOT met'}",
        f"scripted + stored (SQLite): {st['episodes_per_s']} episodes/s, {st['cpu_ms_per_episode']} ms CPU per "
        f"episode, {st['db_bytes_per_episode']} bytes per stored episode",
        f"memory over {rss['episodes']} stored episodes: RSS {rss['warmup_mib']} MiB at warm-up, peak after it "
        f"{rss['peak_after_warmup_mib']} MiB (growth {rss['growth_after_warmup_mib']} MiB)",
        f"mock endpoint: engine {m['engine']['episodes_per_s']} episodes/s, {m['engine']['cpu_ms_per_step']} ms CPU "
        f"per step; bare loop {m['bare']['requests_per_s']} req/s, {m['bare']['cpu_ms_per_request']} ms CPU per "
        f"request -> engine overhead {m['overhead_cpu_ms_per_step']} ms CPU per step",
    ]
    if r["config"]["quick"]:
        lines.append("QUICK smoke run: sizes too small for figures worth reporting.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of the scripted scan (182 episodes each)")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--mock-repeats", type=int, default=None, help="repeats of the 13 benign mock episodes")
    parser.add_argument("--rss-repeats", type=int, default=None, help="repeats of the memory run (182 episodes each)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 4)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.mock_repeats = args.mock_repeats or (2 if args.quick else 40)
    args.rss_repeats = args.rss_repeats or (1 if args.quick else 30)
    if args.quick:
        args.repeats = min(args.repeats, 1)
    results = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
