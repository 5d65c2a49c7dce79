"""Ray scale-out: attempts/s of `--executor ray` with 2 workers against 1 worker, at 200 ms target latency.

One run starts a local mock OpenAI-compatible endpoint (redhive.testing.mock_openai) in its own
process, answering after `--latency-ms`, and one local Ray cluster (num_cpus = 2, no dashboard, a
96 MiB object store, as `redhive scan --executor ray` starts it). Then, in rounds, it executes the
same scan (`--attempts` attempts of the core suite, `--concurrency` in flight per worker, scored
and stored) with 1 worker, with 2 workers, and in this process (the local executor: the reference
for one worker's overhead), alternating the order so that a noisy machine disturbs all alike.
Each is a fresh run, timed from `execute` to its end (the run recorded, the shards dispatched,
every attempt stored); the ratio 2 workers : 1 worker is taken per round. Ray's start-up and shut
down are timed once, apart: a fixed cost, not a rate.

Target (issue 18): 2 workers >= 1.6 x 1 worker at 200 ms. Figures go to bench/README.md.

    .venv/bin/python bench/ray_scale.py                                     # SQLite file
    .venv/bin/python bench/ray_scale.py --database postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/ray_scale.py --quick                             # smoke run
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from engine_throughput import mock_endpoint  # noqa: E402  (the mock in its own process)

from redhive import aio  # noqa: E402

DEFAULT_JSON = Path(__file__).parent / "out" / "ray_scale.json"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds() -> float:
    """User + system CPU of this process and every live descendant (Ray's daemons and workers,
    the mock endpoint): what a run cost the machine, read from /proc before and after it."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total = 0.0
    for pid, seconds in cpu.items():
        ancestor = pid
        while ancestor > 1 and ancestor != os.getpid():
            ancestor = parents.get(ancestor, 0)
        total += seconds if ancestor == os.getpid() else 0.0
    return total
TARGET_RATIO = 1.6


async def one_run(url: str, base_url: str | None, attempts: int, concurrency: int, workers: int | None,
                  latency_ms: float) -> dict[str, Any]:
    """One fresh scan; `workers` None: the local executor (this process). `base_url` None: the
    simulated target `sim:naive` answering after `latency_ms`, in the workers' own processes."""
    from redhive.db.session import Database
    from redhive.runs import scan as scans
    from redhive.runs.ray_executor import RayExecutor
    from redhive.runs.schemas import TargetConfig

    target = (TargetConfig(spec="openai:mock-model", base_url=base_url, mode="model", concurrency=concurrency)
              if base_url is not None else
              TargetConfig(spec="sim:naive", concurrency=concurrency, extra={"latency_ms": latency_ms}))
    per_repeat = scans.prepare_scan(targets=[target], suites=["core"], attacks=["none"], repeats=1,
                                    concurrency=concurrency, params={}, api_key="bench").plan.size
    prepared = scans.prepare_scan(targets=[target], suites=["core"], attacks=["none"],
                                  repeats=max(1, math.ceil(attempts / per_repeat)), concurrency=concurrency,
                                  params={}, api_key="bench")
    db = Database(url)
    try:
        await db.ensure_schema()
        executor = None if workers is None else RayExecutor(workers=workers)
        started, cpu = time.perf_counter(), tree_cpu_seconds()
        result = await scans.execute(db, prepared, executor=executor)
        wall, cpu = time.perf_counter() - started, tree_cpu_seconds() - cpu
    finally:
        await db.dispose()
    assert result.status == "completed", result.error
    stored = result.result.counts.attempts + result.result.skipped
    assert stored == prepared.plan.size, (stored, prepared.plan.size)
    return {"workers": workers or "local", "attempts": stored, "wall_s": round(wall, 3),
            "attempts_per_s": round(stored / wall, 1), "cpu_ms_per_attempt": round(cpu * 1000 / stored, 2),
            "cores_busy": round(cpu / wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=2400)
    parser.add_argument("--concurrency", type=int, default=32, help="in flight per worker")
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", choices=["http", "sim"], default="http",
                        help="http: the mock endpoint in its own process; sim: sim:naive with the latency "
                             "(no HTTP server or client on the machine's cores)")
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--quick", action="store_true", help="smoke run: few attempts, one round")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    if args.quick:
        args.attempts, args.rounds = 300, 1
    import ray

    from redhive.runs.ray_executor import OBJECT_STORE_BYTES

    folder = tempfile.mkdtemp(prefix="redhive-ray-bench-")
    url = args.database or f"sqlite:///{folder}/bench.db"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    rounds: list[dict[str, Any]] = []
    with mock_endpoint(args.latency_ms) as mock:
        started = time.perf_counter()
        ray.init(num_cpus=2, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING, configure_logging=False)
        startup = time.perf_counter() - started
        try:
            # Warm-up: both worker processes import redhive and open the database once.
            base_url = mock.url if args.target == "http" else None
            aio.run(one_run(url, base_url, 200, args.concurrency, 2, args.latency_ms))
            for number in range(args.rounds):
                order: list[int | None] = [1, 2, None] if number % 2 == 0 else [None, 2, 1]
                runs = {str(w or "local"): aio.run(one_run(url, base_url, args.attempts, args.concurrency, w,
                                                           args.latency_ms)) for w in order}
                ratio = runs["2"]["attempts_per_s"] / runs["1"]["attempts_per_s"]
                rounds.append({"round": number + 1, "runs": runs, "ratio_2_to_1": round(ratio, 3)})
                print(f"round {number + 1}: " + ", ".join(
                    f"{k}: {v['attempts_per_s']} att/s ({v['cpu_ms_per_attempt']} ms CPU/att, {v['cores_busy']} cores)"
                    for k, v in runs.items()) + f"; 2:1 = {ratio:.2f}")
        finally:
            started = time.perf_counter()
            ray.shutdown()
            shutdown = time.perf_counter() - started
    ideal = args.concurrency * 1000 / args.latency_ms
    median = statistics.median(r["ratio_2_to_1"] for r in rounds)
    rate = {k: statistics.median(r["runs"][k]["attempts_per_s"] for r in rounds) for k in ("1", "2", "local")}
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
        "cpus": os.cpu_count(), "load_average_1m": os.getloadavg()[0], "target": args.target,
        "database": url.split("://")[0], "latency_ms": args.latency_ms,
        "concurrency_per_worker": args.concurrency, "attempts": args.attempts, "rounds": rounds,
        "median_attempts_per_s": rate, "ideal_per_worker": ideal, "median_ratio_2_to_1": median,
        "target_ratio": TARGET_RATIO, "met": median >= TARGET_RATIO,
        "ray_start_s": round(startup, 2), "ray_shutdown_s": round(shutdown, 2),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"median att/s: 1 worker {rate['1']}, 2 workers {rate['2']}, local {rate['local']} "
          f"(ideal per worker {ideal:.0f}); 2:1 = {median:.2f} (target >= {TARGET_RATIO}: "
          f"{'met' if report['met'] else 'NOT met'}); Ray start {startup:.1f} s, shutdown {shutdown:.1f} s")
    print(f"target {args.target}, database {report['database']}, load average {report['load_average_1m']:.1f}; "
          f"written to {args.json}")


if __name__ == "__main__":
    main()
