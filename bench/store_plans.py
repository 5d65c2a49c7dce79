"""Store query plans: every query the dashboards, CLI and reports send to the run store, explained on
PostgreSQL with 10 M attempts.

The script drops and recreates its own database (`--keep` reuses one already generated), builds the
schema as the application does (`Database.ensure_schema`: the Alembic migrations to head) and fills
it server-side with `INSERT … SELECT … FROM generate_series` (no Python row loop): `--attempts` rows
(10 M) in runs of `--run-size` (20,000, so 500 runs), each run stored contiguously as one engine
writes it, with 1-3 of 6 targets, 5 suites of 30 probes (150 probe ids over 15 risk areas), 8
attacks, ~8 % over-refusal controls, outcomes ~50 % resisted, 36 % refused, 10 % success, 2 %
unscorable, 2 % errors, counterfactual evidence on the bias suite, and 4 turns for 1 in 20
multi-turn attempts (pair, crescendo). Then VACUUM ANALYZE, as autovacuum would have done.

Each query is built by the code that sends it (redhive.runs.queries: runs.service, the HTML report,
the Ray progress poll; the sink's resume check is re-typed from runs.store) for one run in the middle
of the store and the newest page of runs, compiled by SQLAlchemy for PostgreSQL with its values
inlined, and run under `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON)` twice (the second,
warm, is reported; per-node timing is off, so the milliseconds are the query's own). Streamed
queries (`yield_per`: psycopg's server-side cursor) are explained as `DECLARE … CURSOR`, whose plan
favours the first rows as the application's does. The table shows each plan's top nodes, how
attempts and turns are read, the attempt rows read and the milliseconds; then the sizes of the
tables and their indexes (pg_relation_size).

The exit status is 1 when a query reads attempts or turns with a Seq Scan, or reads more attempt
rows than the runs it concerns hold (a per-run query must stay within its run, the run list within
its page): that is what must not grow with the store.

    .venv/bin/python bench/store_plans.py                      # 10 M attempts (minutes to generate)
    .venv/bin/python bench/store_plans.py --keep               # explain again on the stored data
    .venv/bin/python bench/store_plans.py --attempts 40000 --run-size 400 --database postgresql://…/x
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import make_url, select
from sqlalchemy.dialects import postgresql

from redhive.db.session import Database
from redhive.runs import queries
from redhive.runs.models import Attempt, Run
from redhive.runs.service import GROUPINGS

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/redhive_bench10m"
DEFAULT_JSON = Path(__file__).parent / "out" / "store_plans.json"
PAGE = 50  # `redhive runs list`'s default page
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}

TARGETS = ["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku", "hf:meta-llama/Llama-3.1-8B-Instruct",
           "openai:gpt-4.1", "vertex:gemini-1.5-flash", "ollama:mistral"]
SUITES = ["core", "extended", "agentic", "bias", "multilingual"]  # 30 probes each
AREAS = ["prompt_injection", "jailbreak", "pii_leak", "system_prompt_leak", "toxicity", "misinformation",
         "self_harm", "bias", "copyright", "malware_refusal", "fraud", "excessive_agency", "data_exfiltration",
         "hallucination", "over_refusal"]
ATTACKS = ["none", "base64", "roleplay", "pair", "crescendo", "leetspeak", "translation", "prefix-injection"]


def sql_array(values: list[str]) -> str:
    return "(ARRAY[" + ", ".join(f"'{v}'" for v in values) + "])"


# A run's id and start from its number r, as `new_run_id` makes them (sortable timestamp + hex).
RUN_START = "(timestamptz '2026-06-01 00:00:00+00' + {r} * interval '37 minutes')"
RUN_ID = f"(to_char({RUN_START} AT TIME ZONE 'UTC', 'YYYYMMDD-HH24MISS') || '-' || substr(md5({{r}}::text), 1, 6))"

RUNS_SQL = f"""
INSERT INTO runs (id, created_at, finished_at, status, config, plan_size, error, redhive_version)
SELECT {RUN_ID.format(r='r')}, {RUN_START.format(r='r')},
       {RUN_START.format(r='r')} + interval '20 minutes', 'completed',
       json_build_object('targets', json_build_array({sql_array(TARGETS)}[1 + r % 6]), 'suites',
                         to_json({sql_array(SUITES)}), 'repeats', 1),
       %(size)s, NULL, '0.bench'
FROM generate_series(0, %(runs)s::int - 1) AS r
"""

# One row per (run r, plan position s); k targets per run. Targets vary fastest, then probes and,
# shifted by one per pass over the probes, attacks: every pair in 1,200 positions, and a small run
# (the smoke test's) still has every attack, multi-turn ones included.
ATTEMPTS_SQL = f"""
INSERT INTO attempts (run_id, id, seq, suite, probe_id, risk_area, kind, attack, target, repeat, outcome,
                      prompt, response, error, evidence, latency_ms, input_tokens, output_tokens, created_at)
SELECT run_id, substr(md5(run_id || ':' || s), 1, 24), s,
       {sql_array(SUITES)}[1 + p / 30], {sql_array(SUITES)}[1 + p / 30] || '-' || lpad(p::text, 3, '0'),
       {sql_array(AREAS)}[1 + p % 15], CASE WHEN p % 12 = 5 THEN 'control' ELSE 'attack' END,
       {sql_array(ATTACKS)}[1 + a], {sql_array(TARGETS)}[1 + (r + s % k) % 6], s / (k * 1200),
       outcome,
       'Probe ' || p || ': ' || repeat('please explain the thing ', 4 + s % 12),
       CASE WHEN outcome = 'error' THEN '' ELSE repeat('an answer of some length ', 5 + (s * 7) % 20) END,
       CASE WHEN outcome = 'error' THEN 'TimeoutError: the target did not answer within 60 s' END,
       CASE WHEN p / 30 = 3 THEN 'reference: APPROVE; variant-b: ' || CASE WHEN u2 < 0.55 THEN 'APPROVE' ELSE 'DENY' END
            ELSE 'refusal detector: ' || outcome END,
       200 + u2 * 1500, 40 + s % 200, 80 + (s * 3) % 400, start + s * interval '50 milliseconds'
FROM (
    SELECT r, s, {RUN_ID.format(r='r')} AS run_id, {RUN_START.format(r='r')} AS start, k,
           (s / k) % 150 AS p, (s / k + s / k / 150) % 8 AS a, random() AS u2,
           CASE WHEN u < 0.02 THEN 'error' WHEN u < 0.04 THEN 'unscorable' WHEN u < 0.14 THEN 'success'
                WHEN u < 0.50 THEN 'refused' ELSE 'resisted' END AS outcome
    FROM (SELECT r, s, 1 + r % 3 AS k, random() AS u
          FROM generate_series(%(first)s::int, %(last)s::int) AS r, generate_series(0, %(size)s::int - 1) AS s
          WHERE r * %(size)s + s < %(total)s) AS plan
) AS rows
"""

TURNS_SQL = """
INSERT INTO turns (run_id, attempt_id, idx, role, content, branch, parent, score, note)
SELECT a.run_id, a.id, i, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END,
       repeat('one message of the conversation ', 3 + i), '', CASE WHEN i > 0 THEN i - 1 END,
       CASE WHEN i % 2 = 1 THEN 1 + (a.seq % 9) END, ''
FROM attempts a, generate_series(0, 3) AS i
WHERE a.run_id = ANY(%(runs)s) AND a.attack IN ('pair', 'crescendo') AND a.seq % 20 = 0
"""


def with_params(sql: str) -> str:
    """SQL written with `%` as the modulo operator, made safe for psycopg's `%(name)s` parameters."""
    return re.sub(r"%(?!\()", "%%", sql)


def admin_dsn(url: str) -> tuple[str, str]:
    """(a DSN for the server's `postgres` database, the benchmark database's name)."""
    parsed = make_url(url).set(drivername="postgresql")
    name = parsed.database or "redhive_bench10m"
    return parsed.set(database="postgres").render_as_string(hide_password=False), name


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def stored(url: str, attempts: int) -> bool:
    """Whether the database exists and already holds about `attempts` attempts."""
    try:
        with psycopg.connect(dsn(url)) as conn:
            row = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'attempts'").fetchone()
    except psycopg.OperationalError:
        return False
    return row is not None and abs(float(row[0]) - attempts) <= 0.01 * attempts


def recreate(url: str) -> None:
    admin, name = admin_dsn(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_schema(url: str) -> None:
    async def run() -> None:
        db = Database(url)
        try:
            await db.ensure_schema()
        finally:
            await db.dispose()

    asyncio.run(run())


def generate(url: str, attempts: int, run_size: int, batch: int) -> dict[str, float]:
    runs = -(-attempts // run_size)
    started = time.perf_counter()
    with psycopg.connect(dsn(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute(with_params(RUNS_SQL), {"size": run_size, "runs": runs})
        run_ids = [r for (r,) in conn.execute("SELECT id FROM runs ORDER BY created_at")]
        conn.commit()
        for first in range(0, runs, batch):
            last = min(first + batch, runs) - 1
            conn.execute(with_params(ATTEMPTS_SQL), {"first": first, "last": last, "size": run_size, "total": attempts})
            conn.execute(with_params(TURNS_SQL), {"runs": run_ids[first:last + 1]})
            conn.commit()
            done = min((last + 1) * run_size, attempts)
            print(f"  {done:>11,} attempts stored, {time.perf_counter() - started:6.0f} s", flush=True)
        inserted = time.perf_counter() - started
    with psycopg.connect(dsn(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) runs, attempts, turns")
    return {"insert_s": round(inserted, 1), "vacuum_analyze_s": round(time.perf_counter() - started - inserted, 1)}


@dataclass
class Query:
    name: str
    sql: str
    #: attempt rows the query may read: those of the runs it concerns
    bound: int
    streamed: bool = False


def compiled(statement: Any) -> str:
    return str(statement.compile(dialect=postgresql.psycopg.dialect(), compile_kwargs={"literal_binds": True}))


def workload(conn: psycopg.Connection[Any]) -> tuple[str, list[Query]]:
    """The queries, for the run in the middle of the store and the newest page of runs."""
    run_ids = [r for (r,) in conn.execute("SELECT id FROM runs ORDER BY created_at")]
    run_id = run_ids[len(run_ids) // 2]
    size = conn.execute(compiled(queries.count(run_id))).fetchone()
    run_rows = int(size[0]) if size else 0
    page_rows = sum(int(n) for (n,) in conn.execute(
        "SELECT count(*) FROM attempts WHERE run_id = ANY(%s) GROUP BY run_id", (run_ids[-PAGE:],)))
    target, first_id = conn.execute(
        f"SELECT target, id FROM attempts WHERE run_id = '{run_id}' ORDER BY seq LIMIT 1").fetchone() or ("", "")
    with_turns = [i for (i,) in conn.execute(
        f"SELECT DISTINCT attempt_id FROM turns WHERE run_id = '{run_id}' LIMIT 60")]
    ids = [i for (i,) in conn.execute(f"SELECT id FROM attempts WHERE run_id = '{run_id}' LIMIT 256")]
    out = [
        # each run of the page is counted twice: all its attempts, its successes
        Query("list_runs (page of 50)", compiled(queries.run_page(PAGE)), 2 * page_rows),
        Query("get_run", compiled(select(Run).where(Run.id == run_id)), 0),
        Query("count_attempts", compiled(queries.count(run_id)), run_rows),
        Query("ray progress (outcome counts)", compiled(queries.outcome_counts(run_id)), run_rows),
    ]
    for name, (keys, kind) in {**GROUPINGS, "by kind": (("kind",), None)}.items():
        out.append(Query(f"summarise: {name}", compiled(queries.grouped(run_id, keys, kind)), run_rows))
    out += [
        Query("summarise: tokens", compiled(queries.tokens(run_id)), run_rows),
        Query("bias_disparities", compiled(queries.disparity_rows(run_id)), run_rows),
        Query("iter_attempts (exports, intake)", compiled(queries.attempts(run_id)), run_rows, streamed=True),
        Query("iter_attempts (one target)", compiled(queries.attempts(run_id, target)), run_rows, streamed=True),
        Query("iter_attempts_with_turns", compiled(queries.attempts_with_turns(run_id)), run_rows, streamed=True),
        Query("html: 60 success examples", compiled(queries.examples(run_id, "success", 60)), run_rows),
        Query("html: 20 errors", compiled(queries.examples(run_id, "error", 20)), run_rows),
        Query("turns_of (60 attempts)", compiled(queries.turns(run_id, with_turns)), 0),
        Query("get_attempt", compiled(select(Attempt).where(Attempt.run_id == run_id, Attempt.id == first_id)), 1),
        Query("sink resume check (256 ids)", compiled(
            select(Attempt.id).where(Attempt.run_id == run_id, Attempt.id.in_(ids))), run_rows),
    ]
    return run_id, out


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explain(conn: psycopg.Connection[Any], query: Query, index_tables: dict[str, str]) -> dict[str, Any]:
    sql = f"DECLARE bench_cursor CURSOR FOR {query.sql}" if query.streamed else query.sql
    result: dict[str, Any] = {}
    for _ in range(2):  # the first warms the cache; the second is reported
        with conn.transaction():
            row = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) {sql}").fetchone()
        assert row is not None
        result = row[0][0]
    plan = result["Plan"]
    chain, node = [], plan
    while node is not None and len(chain) < 4:
        chain.append(node["Node Type"])
        node = (node.get("Plans") or [None])[0]
    access: dict[str, list[str]] = {"attempts": [], "turns": []}
    read = 0
    for n in nodes(plan):
        relation = n.get("Relation Name")
        if n["Node Type"] == "Bitmap Index Scan" and index_tables.get(n["Index Name"]) in access:
            access[index_tables[n["Index Name"]]].append(f"Bitmap {n['Index Name']}")
        if relation not in access or n["Node Type"] not in SCANS:
            continue
        how = n["Node Type"] + (f" {n['Index Name']}" if "Index Name" in n else "")
        if n["Node Type"] != "Bitmap Heap Scan":
            access[relation].append(how)
        if relation == "attempts":
            loops = n.get("Actual Loops", 1)
            read += (n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0)) * loops
    seq = [r for r, hows in access.items() if any(h.startswith("Seq Scan") for h in hows)]
    sorts = [f"{n['Sort Method']} {n.get('Sort Space Used', '?')} kB {n.get('Sort Space Type', '')}".strip()
             for n in nodes(plan) if n["Node Type"] == "Sort" and "Sort Method" in n]
    return {"query": query.name, "plan": " > ".join(chain), "attempts_by": sorted(set(access["attempts"])),
            "turns_by": sorted(set(access["turns"])), "seq_scan": seq, "attempt_rows_read": int(read),
            "bound": query.bound, "rows": plan.get("Actual Rows", 0), "ms": round(result["Execution Time"], 2),
            "sorts": sorts, "shared_hit": plan.get("Shared Hit Blocks", 0),
            "shared_read": plan.get("Shared Read Blocks", 0),
            "sql": query.sql}


def sizes(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    rows = conn.execute("""
        SELECT c.relname, c.relkind, coalesce(t.relname, c.relname), pg_relation_size(c.oid)
        FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
        WHERE coalesce(t.relname, c.relname) IN ('runs', 'attempts', 'turns') AND c.relkind IN ('r', 'i')
        ORDER BY 3, c.relkind DESC, 1""").fetchall()
    return [{"relation": name, "kind": "index" if kind == "i" else "table", "table": table, "bytes": int(size)}
            for name, kind, table, size in rows]


def mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL, help="its own database: dropped and recreated")
    parser.add_argument("--attempts", type=int, default=10_000_000)
    parser.add_argument("--run-size", type=int, default=20_000, help="attempts per run")
    parser.add_argument("--batch", type=int, default=25, help="runs per INSERT statement")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it holds --attempts already")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)

    generation: dict[str, float] = {}
    if args.keep and stored(args.database, args.attempts):
        print(f"reusing {args.attempts:,} stored attempts")
        started = time.perf_counter()
        ensure_schema(args.database)  # a newer migration (an index) applies to the stored data
        generation["migrate_s"] = round(time.perf_counter() - started, 1)
        print(f"  schema brought to head in {generation['migrate_s']} s")
        with psycopg.connect(dsn(args.database), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) runs, attempts, turns")
    else:
        print(f"generating {args.attempts:,} attempts in runs of {args.run_size:,}")
        recreate(args.database)
        ensure_schema(args.database)
        generation = generate(args.database, args.attempts, args.run_size, args.batch)
        print(f"  inserted in {generation['insert_s']} s, VACUUM ANALYZE {generation['vacuum_analyze_s']} s")

    with psycopg.connect(dsn(args.database), autocommit=True) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        run_id, workload_ = workload(conn)
        index_tables = dict(conn.execute("SELECT indexname, tablename FROM pg_indexes").fetchall())
        results = [explain(conn, q, index_tables) for q in workload_]
        relations = sizes(conn)
        server = conn.execute("SHOW server_version").fetchone()

    print(f"\nschema {revision[0] if revision else '?'}, PostgreSQL {server[0] if server else '?'}, run {run_id}\n")
    print(f"{'query':34} {'plan (top nodes)':46} {'attempts / turns read by':58} {'seq':5} "
          f"{'read':>8} {'rows':>7} {'ms':>8}")
    failed = []
    for r in results:
        over = r["attempt_rows_read"] > max(r["bound"], 1) * 1.05
        if r["seq_scan"] or over:
            failed.append(r["query"])
        by = (", ".join(r["attempts_by"]) or "-") + (" / " + ", ".join(r["turns_by"]) if r["turns_by"] else "")
        flag = "  <- reads beyond its runs" if over else ""
        print(f"{r['query'][:34]:34} {r['plan'][:46]:46} {by[:58]:58} {','.join(r['seq_scan']) or '-':5} "
              f"{r['attempt_rows_read']:>8,} {r['rows']:>7,} {r['ms']:>8.1f}{flag}")
    print()
    for rel in relations:
        print(f"  {rel['kind']:5} {rel['relation']:36} {mib(rel['bytes']):>14}")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"attempts": args.attempts, "run_size": args.run_size, "run_id": run_id,
                                     "revision": revision[0] if revision else None, "generation": generation,
                                     "queries": results, "sizes": relations}, indent=2))
    print(f"\nwritten to {args.json}")
    if args.drop:
        admin, name = admin_dsn(args.database)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if failed:
        print(f"FAIL: seq scans or reads beyond the runs concerned in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
