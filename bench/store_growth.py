"""Store growth: per-attempt cost of a scan stays flat as its database fills up.

Runs `--runs` (20) consecutive fresh scans of exactly `--attempts` (20,000) attempts each into ONE
database, each through the path `redhive scan` takes: `redhive.runs.scan.prepare_scan` + `execute`
(Runner, scoring, `SqlAttemptSink`), against the simulated target `sim:naive` (no latency, no HTTP:
what is left is the engine, the scorers and the store). The plan is the `quick` suite with the
attacks `none` and `base64`: 125 attempts per repeat, so `--attempts` must be a multiple of 125
(20,000 = 160 repeats); the script checks `plan.size` before the first run. Each run opens the
database afresh (a new `Database`, as a new `redhive scan` process would) and, after it, makes the
follow-up queries a user makes: `runs.service.summarise` of the run (what `redhive scan` prints)
and `runs.service.list_runs` (`redhive runs list`).

Per run it records the wall time and this process's CPU time (time.process_time) of `execute`
(the run recorded, every attempt run, scored and stored, the run finished), per attempt, the two
queries' wall times, the attempts already stored, the database's size (SQLite: file + WAL) and the
process RSS. A 125-attempt warm-up scan goes into the same database first (imports, suite caches),
so run 1 is not charged for one-time costs.

Single runs are noisy on a shared machine, and a load that drifts over the bench's minutes would
read as growth. So each run is paired with a control: the same scan into an empty database of the
same kind (`<name>_control`, recreated for each pair), right before or right after it (alternating).
Compared, run N against run 1: the per-attempt wall and CPU cost, raw (1st vs last), as the median
of the last three runs over the median of the first three, and on a least-squares line through
every run (the trend); the same for the cost divided by its control's (the store's own effect).
The verdict: exit 1 if a median ratio, wall or CPU, exceeds 1 + `--tolerance` (issue 18: within
10 %); against the controls, or of the raw costs with `--no-control`.

    .venv/bin/python bench/store_growth.py                       # SQLite file in bench/out
    .venv/bin/python bench/store_growth.py --database postgresql://postgres@127.0.0.1:5432/redhive_growth
    .venv/bin/python bench/store_growth.py --runs 3 --attempts 500 --tolerance 10   # smoke run

The measured database (default bench/out/store_growth.db; a PostgreSQL one through the server's
`postgres` database) is dropped and recreated at the start and kept at the end for a look; the
control database is dropped at the end. Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from redhive import aio

OUT = Path(__file__).parent / "out"
DEFAULT_DB = OUT / "store_growth.db"
SUITE, ATTACKS, TARGET = "quick", ["none", "base64"], "sim:naive"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE_SIZE / 2**20


def prepare(attempts: int, concurrency: int) -> Any:
    """The scan of exactly `attempts` attempts: repeats of the 125-attempt plan."""
    from redhive.runs.scan import prepare_scan
    from redhive.runs.schemas import TargetConfig

    def scan(repeats: int) -> Any:
        return prepare_scan(targets=[TargetConfig(spec=TARGET, concurrency=concurrency)], suites=[SUITE],
                            attacks=ATTACKS, repeats=repeats, concurrency=concurrency, params={}, api_key=None)

    per_repeat = scan(1).plan.size
    if attempts % per_repeat:
        raise SystemExit(f"--attempts must be a multiple of {per_repeat} (the {SUITE} suite x {ATTACKS} "
                         f"against {TARGET}), not {attempts}")
    prepared = scan(attempts // per_repeat)
    assert prepared.plan.size == attempts, (prepared.plan.size, attempts)
    return prepared


def recreate(url: str) -> None:
    """An empty database at `url`: dropped (a SQLite file with its WAL) and, on PostgreSQL, created."""
    from sqlalchemy import make_url

    drop(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        return
    _on_server(url, f'CREATE DATABASE "{parsed.database}"')


def drop(url: str) -> None:
    """Remove the database at `url` (the control scans' when the bench ends)."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    _on_server(url, f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def _on_server(url: str, statement: str) -> None:
    """Run `statement` on the PostgreSQL server of `url`, from its `postgres` database."""
    from sqlalchemy import create_engine, text

    from redhive.db.session import sync_url

    admin = create_engine(sync_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def control_url(url: str) -> str:
    """The control scans' database next to the measured one: `<name>_control`."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return f"sqlite:///{path.with_name(path.stem + '_control' + path.suffix)}"
    return parsed.set(database=f"{parsed.database}_control").render_as_string(hide_password=False)


def store_bytes(url: str) -> int | None:
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return sum(Path(f"{parsed.database}{s}").stat().st_size for s in ("", "-wal")
               if Path(f"{parsed.database}{s}").exists())


async def pg_bytes(db: Any) -> int | None:
    if db.is_sqlite:
        return None
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_database_size(current_database())")))


async def one_run(url: str, attempts: int, concurrency: int) -> dict[str, Any]:
    """One fresh scan into the database at `url`, then the user's follow-up queries."""
    from sqlalchemy import func, select

    from redhive.db.session import Database
    from redhive.runs import service
    from redhive.runs.models import Attempt
    from redhive.runs.scan import execute

    prepared = prepare(attempts, concurrency)  # not timed: loading the suite is a fixed cost
    db = Database(url)
    try:
        await db.ensure_schema()
        async with db.session() as session:
            before = int(await session.scalar(select(func.count()).select_from(Attempt)) or 0)
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = await execute(db, prepared)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if outcome.status != "completed" or outcome.result.counts.attempts != attempts:
            raise RuntimeError(f"the scan did not complete: {outcome.status}, {outcome.result.counts.attempts} "
                               f"attempts ({outcome.error})")
        started = time.perf_counter()
        async with db.session() as session:
            summary = await service.summarise(session, outcome.run_id)
        summarise_s = time.perf_counter() - started
        started = time.perf_counter()
        async with db.session() as session:
            listed = await service.list_runs(session)
        list_s = time.perf_counter() - started
        assert summary.totals["attempts"] == attempts and listed[0][1] == attempts, "the run was not stored whole"
        size = store_bytes(url) or await pg_bytes(db)
    finally:
        await db.dispose()
    return {"stored_before": before, "attempts": attempts, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "wall_us_per_attempt": round(wall * 1e6 / attempts, 1),
            "cpu_us_per_attempt": round(cpu * 1e6 / attempts, 1),
            "summarise_ms": round(summarise_s * 1000, 1), "list_runs_ms": round(list_s * 1000, 1),
            "store_mib": None if size is None else round(size / 2**20, 1), "rss_mib": round(rss_mib(), 1)}


COSTS = ("wall_us_per_attempt", "cpu_us_per_attempt")
#: Figures compared, last runs against first: the per-attempt costs, the same divided by the paired
#: control scan's (machine load taken out), and the follow-up queries.
COMPARED = (*COSTS, "wall_vs_control", "cpu_vs_control", "summarise_ms", "list_runs_ms")


def ratios(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Last against first: raw (run N / run 1), and the median of the last `window` runs over the
    median of the first `window`."""
    window = max(1, min(3, len(runs) // 2))
    out: dict[str, dict[str, float]] = {}
    for key in (k for k in COMPARED if k in runs[0]):
        first = statistics.median(r[key] for r in runs[:window])
        last = statistics.median(r[key] for r in runs[-window:])
        out[key] = {"raw": round(runs[-1][key] / runs[0][key], 3), "median": round(last / first, 3),
                    "window": window, "fit": fitted(runs, key)}
    return out


def fitted(runs: list[dict[str, Any]], key: str) -> float:
    """Run N over run 1 on the least-squares line through every run: the trend, less swayed by a
    few noisy runs at either end than the medians."""
    if len(runs) < 3:
        return round(runs[-1][key] / runs[0][key], 3)
    slope, intercept = statistics.linear_regression([r["run"] for r in runs], [r[key] for r in runs])
    return round((intercept + slope * runs[-1]["run"]) / (intercept + slope * runs[0]["run"]), 3)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measured_run(number: int, url: str, control: str | None, attempts: int, concurrency: int) -> dict[str, Any]:
    """Run `number` into the growing store and, if `control`, the same scan into an empty database
    right before or after it (alternating), so both meet the same machine load."""
    def into_control() -> dict[str, Any]:
        assert control is not None
        recreate(control)
        return aio.run(one_run(control, attempts, concurrency))

    paired = None
    if control is not None and number % 2:
        paired = into_control()
    run = {"run": number, **aio.run(one_run(url, attempts, concurrency))}
    if control is not None and paired is None:
        paired = into_control()
    if paired is not None:
        run["control_wall_us"], run["control_cpu_us"] = paired["wall_us_per_attempt"], paired["cpu_us_per_attempt"]
        run["wall_vs_control"] = round(run["wall_us_per_attempt"] / paired["wall_us_per_attempt"], 3)
        run["cpu_vs_control"] = round(run["cpu_us_per_attempt"] / paired["cpu_us_per_attempt"], 3)
    return {**run, "load": load()}


def row(run: dict[str, Any]) -> str:
    store = run["store_mib"] if run["store_mib"] is not None else "-"
    paired = (f" {run['control_wall_us']:>10.1f} {run['control_cpu_us']:>9.1f} {run['wall_vs_control']:>6.3f} "
              f"{run['cpu_vs_control']:>6.3f}" if "control_wall_us" in run else "")
    return (f"{run['run']:>3} {run['stored_before']:>13,} {run['wall_s']:>7.2f} {run['wall_us_per_attempt']:>11.1f} "
            f"{run['cpu_us_per_attempt']:>10.1f} {run['summarise_ms']:>12.1f} {run['list_runs_ms']:>12.1f} "
            f"{store:>9} {run['rss_mib']:>7.1f}{paired}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=20_000, help="per run, a multiple of 125")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--database", default=None,
                        help="database URL, dropped and recreated (default: bench/out/store_growth.db)")
    parser.add_argument("--control", action=argparse.BooleanOptionalAction, default=True,
                        help="pair each run with the same scan into an empty database (default: on)")
    parser.add_argument("--tolerance", type=float, default=0.10,
                        help="largest allowed growth of per-attempt wall or CPU cost, last runs against first")
    parser.add_argument("--json", type=Path, default=OUT / "store_growth.json")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    prepare(args.attempts, args.concurrency)  # a wrong --attempts fails before the database is touched
    url = args.database or f"sqlite:///{DEFAULT_DB}"
    control = control_url(url) if args.control else None
    recreate(url)
    shown = url.rsplit("@", 1)[-1]
    print(f"store growth: {args.runs} runs x {args.attempts:,} attempts into {shown}"
          f"{', each paired with a control scan into an empty database' if control else ''}; load {load()}",
          flush=True)
    aio.run(one_run(url, 125, args.concurrency))  # warm-up
    print(f"{'run':>3} {'stored before':>13} {'wall s':>7} {'wall us/att':>11} {'cpu us/att':>10} "
          f"{'summarise ms':>12} {'list_runs ms':>12} {'store MiB':>9} {'RSS MiB':>7}"
          + (f" {'ctl wall us':>10} {'ctl cpu us':>9} {'wall/c':>6} {'cpu/c':>6}" if control else ""), flush=True)
    runs: list[dict[str, Any]] = []
    try:
        for number in range(1, args.runs + 1):
            runs.append(measured_run(number, url, control, args.attempts, args.concurrency))
            print(row(runs[-1]), flush=True)
    finally:
        if control is not None:
            drop(control)
    result = ratios(runs)
    for key, ratio in result.items():
        print(f"run {args.runs} / run 1, {key}: raw {ratio['raw']:.3f}, median of {ratio['window']} "
              f"last / median of {ratio['window']} first {ratio['median']:.3f}, least-squares fit {ratio['fit']:.3f}")
    # The verdict: per-attempt cost against the control's when there is one (the store's effect alone).
    gated = ("wall_vs_control", "cpu_vs_control") if control else COSTS
    worst = max(result[k]["median"] for k in gated)
    ok = worst <= 1 + args.tolerance
    print(f"per-attempt cost growth ({'against the control, ' if control else ''}median ratio, wall or CPU): "
          f"{worst:.3f} {'<=' if ok else '>'} {1 + args.tolerance:.2f}: {'OK' if ok else 'FAILED'}; load {load()}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "config": {"runs": args.runs, "attempts": args.attempts, "concurrency": args.concurrency,
                   "database": "sqlite" if url.startswith("sqlite") else "postgresql", "suite": SUITE,
                   "attacks": ATTACKS, "target": TARGET, "control": bool(control), "tolerance": args.tolerance,
                   "python": platform.python_version()},
        "runs": runs, "ratios": result, "gated": list(gated), "ok": ok}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
