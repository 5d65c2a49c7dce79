"""Scans recorded in the database: counts, resume without duplicates, summaries, errors kept apart.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from redhive.db.session import Database
from redhive.reports.html import render_html_report
from redhive.runs import scan as scans
from redhive.runs import service
from redhive.runs.models import Attempt
from redhive.runs.schemas import TargetConfig


def prepare(targets: list[str], attacks: list[str] | None = None, repeats: int = 1) -> scans.PreparedScan:
    return scans.prepare_scan(targets=[TargetConfig(spec=t) for t in targets], suites=["core"],
                              attacks=attacks, repeats=repeats, concurrency=8, params={}, api_key=None)


async def test_scan_stores_every_planned_attempt(db: Database) -> None:
    prepared = prepare(["sim:naive", "sim:hardened"], ["none", "base64"], repeats=2)
    result = await scans.execute(db, prepared)
    assert result.status == "completed"
    async with db.session() as session:
        summary = await service.summarise(session, result.run_id)
        run = await service.get_run(session, result.run_id)
    assert run.status == "completed" and run.finished_at is not None
    assert summary.totals["attempts"] == prepared.plan.size == run.plan_size
    assert summary.totals["successes"] == result.result.counts.success > 0
    hardened = next(r for r in summary.targets if r.key["target"] == "sim:hardened")
    assert hardened.successes == 0 and hardened.scored == hardened.attempts
    assert summary.totals["input_tokens"] > 0


async def test_resume_executes_only_what_is_missing(db: Database) -> None:
    prepared = prepare(["sim:guarded"], ["none", "rot13"])
    first = await scans.execute(db, prepared)
    async with db.session() as session:
        # Simulate a crash that lost the last part of the run.
        doomed = (await session.execute(
            select(Attempt.id).where(Attempt.run_id == first.run_id).order_by(Attempt.seq.desc()).limit(5)
        )).scalars().all()
        for attempt_id in doomed:
            await session.delete(await session.get(Attempt, (first.run_id, attempt_id)))
        await service.finish_run(session, first.run_id, "interrupted")
    resumed = await scans.execute(db, await scans.prepare_resume(db, first.run_id, None))
    assert resumed.run_id == first.run_id and resumed.status == "completed"
    assert resumed.result.skipped == prepared.plan.size - 5
    assert resumed.result.counts.attempts == 5
    async with db.session() as session:
        total = await session.scalar(select(func.count()).where(Attempt.run_id == first.run_id))
        distinct = await session.scalar(
            select(func.count(func.distinct(Attempt.id))).where(Attempt.run_id == first.run_id)
        )
    assert total == distinct == prepared.plan.size


async def test_summary_rows_and_intervals(db: Database) -> None:
    result = await scans.execute(db, prepare(["sim:naive"]))
    async with db.session() as session:
        summary = await service.summarise(session, result.run_id)
    data = summary.to_json()
    assert set(data) == {"run", "totals", "targets", "categories", "attacks", "languages", "over_refusal", "probes",
                         "disparities"}
    pooled = [d for d in data["disparities"] if d["probe_id"] is None]
    assert pooled and all(d["target"] == "sim:naive" and 0 <= d["p_value"] <= 1 for d in pooled)
    assert {"attempts", "successes", "errors"} <= set(data["totals"])
    for row in data["categories"]:
        lo, hi = row["ci95"]
        assert 0 <= lo <= (row["asr"] or 0) <= hi <= 1
        assert row["target"] == "sim:naive" and row["risk_area"]
    assert sum(r["attempts"] for r in data["probes"]) == data["totals"]["attempts"]
    # The headline counts attack probes only; the over-refusal controls have their own rate.
    attacks = [r for r in data["probes"] if r["kind"] == "attack"]
    controls = [r for r in data["probes"] if r["kind"] == "control"]
    assert attacks and controls and {r["risk_area"] for r in controls} == {"over_refusal"}
    assert not any(r["risk_area"] == "over_refusal" for r in data["categories"])
    assert data["totals"]["successes"] == sum(r["successes"] for r in attacks)
    assert data["totals"]["scored"] == sum(r["scored"] for r in attacks)
    over = data["totals"]["over_refusal"]
    assert over["controls"] == sum(r["attempts"] for r in controls)
    assert over["refusals"] == sum(r["successes"] for r in controls)
    assert over["refusals"] == sum(r["successes"] for r in data["over_refusal"])


async def test_list_runs_newest_first(db: Database) -> None:
    a = await scans.execute(db, prepare(["sim:naive"], ["none"]))
    b = await scans.execute(db, prepare(["sim:hardened"], ["none"]))
    async with db.session() as session:
        rows = await service.list_runs(session)
    ids = [r.id for r, _, _ in rows]
    assert set(ids) == {a.run_id, b.run_id}
    counts = {r.id: (n, s) for r, n, s in rows}
    assert counts[b.run_id][1] == 0 and counts[a.run_id][1] > 0


async def test_summary_breaks_attack_success_down_by_probe_language(db: Database) -> None:
    prepared = scans.prepare_scan(targets=[TargetConfig(spec="sim:naive")], suites=["core", "core-multilingual"],
                                  attacks=["none"], repeats=1, concurrency=8, params={}, api_key=None)
    result = await scans.execute(db, prepared)
    async with db.session() as session:
        summary = await service.summarise(session, result.run_id)
    by_language = {r.key["language"]: r for r in summary.languages}
    assert set(by_language) == {"en", "ar", "hi", "sw", "yo", "ta", "id", "es", "fr", "ja", "zh", "ru", "pt"}
    # fourteen attack probes per language (two are over-refusal controls, counted apart)
    assert all(by_language[code].attempts == 14 for code in by_language if code != "en")
    assert sum(r.attempts for r in summary.languages) == sum(r.attempts for r in summary.categories)
    assert summary.to_json()["languages"][0].keys() >= {"target", "language", "asr"}
    html = await render_html_report(db, result.run_id)
    assert "By target and probe language" in html and "<td>yo</td>" in html
