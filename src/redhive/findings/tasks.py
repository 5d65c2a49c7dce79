"""Findings work that runs as jobs (redhive.jobs): replays of a report, re-tests of a flaw,
regression runs of a system, transfer tests. The `start_*` functions run in the request: they
check everything a refusal would (permissions, the packet, the versions) and enqueue; the handlers
run the engine later, as whoever started the job, checking again.

How each survives its worker dying (the job is claimed again and the handler called again):
- `findings.replay`: one step (the replay, the flaw's reliability and the audit record commit
  together with the job's checkpoint), so it either happened once or not at all: idempotent.
- `findings.retest`, `findings.regress`: one step per regression case; the checkpoint keeps each
  case's result, so a resumed job re-tests only the cases that had not committed: resumable.
- `findings.transfer`: one step per target version, likewise resumable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.findings import service, verification
from redhive.findings.models import Flaw, RegressionCase
from redhive.findings.schemas import RegressionResult
from redhive.jobs import JobContext, enqueue, job
from redhive.jobs.models import Job
from redhive.orgs.models import AISystem, SystemVersion

__all__ = ["start_regress", "start_replay", "start_retest", "start_transfer"]

log = logging.getLogger("redhive.jobs")


async def start_replay(session: AsyncSession, actor: Actor, report_id: str, *, trials: int,
                       base_url: str = "") -> Job:
    report, version, _ = await verification.check_replay(session, actor, report_id)
    subject = ("flaw", report.flaw_id) if report.flaw_id else ("report", report.id)  # followed on the flaw's page
    return await enqueue(session, actor, "findings.replay", org_id=report.org_id, subject=subject,
                         title=f"Replay ×{trials} of “{report.title}” on {version.label}", total=1,
                         args={"report_id": report.id, "trials": trials, "base_url": base_url})


async def start_retest(session: AsyncSession, actor: Actor, flaw_id: str, *, version_id: str, trials: int,
                       base_url: str = "") -> Job:
    flaw = await service.get_flaw(session, actor, flaw_id)
    system, version, cases = await verification.regression_cases(session, actor, system_id=flaw.system_id,
                                                                 version_id=version_id, flaw_id=flaw.id)
    return await enqueue(session, actor, "findings.retest", org_id=system.org_id, subject=("flaw", flaw.id),
                         title=f"Re-test ×{trials} of “{flaw.title}” on {version.label}", total=len(cases),
                         args={"system_id": system.id, "version_id": version.id, "flaw_id": flaw.id,
                               "trials": trials, "base_url": base_url})


async def start_regress(session: AsyncSession, actor: Actor, system_id: str, *, version_id: str, trials: int,
                        base_url: str = "") -> Job:
    system, version, cases = await verification.regression_cases(session, actor, system_id=system_id,
                                                                 version_id=version_id)
    return await enqueue(session, actor, "findings.regress", org_id=system.org_id, subject=("ai_system", system.id),
                         title=f"Regression run of {system.name} on {version.label} ({len(cases)} cases)",
                         total=len(cases), args={"system_id": system.id, "version_id": version.id, "flaw_id": None,
                                                 "trials": trials, "base_url": base_url})


async def start_transfer(session: AsyncSession, actor: Actor, flaw_id: str, *, version_ids: Sequence[str],
                         trials: int, base_url: str = "") -> Job:
    flaw, _, targets = await verification.transfer_targets(session, actor, flaw_id, version_ids)
    return await enqueue(session, actor, "findings.transfer", org_id=flaw.org_id, subject=("flaw", flaw.id),
                         title=f"Transfer test of “{flaw.title}” to {len(targets)} version(s)", total=len(targets),
                         args={"flaw_id": flaw.id, "version_ids": [v.id for v, _ in targets], "trials": trials,
                               "base_url": base_url})


async def _deliver(ctx: JobContext) -> None:
    """What a request sends after its commit (redhive.findings.delivery): webhooks, e-mail copies."""
    from redhive.findings import webhooks
    from redhive.notifications import mail

    settings = ctx.resources.settings
    try:  # the work is stored: a delivery that fails now is retried with the next one, never fails the job
        if ctx.resources.box is not None:
            await webhooks.deliver_pending(ctx.db, ctx.resources.box)
        if settings is not None:
            await mail.send_pending(ctx.db, settings, settings.public_url or str(ctx.args.get("base_url") or ""))
    except Exception:
        log.exception("job %s: sending its webhooks and e-mails failed", ctx.id)


def _say_replay(r: dict[str, Any]) -> str:
    return (f"Replayed {r['trials']} times on {r['target']}: {r['successes']} successes "
            f"(95 % CI {r['ci_low']:.2f}–{r['ci_high']:.2f}).")


def _say_regression(r: dict[str, Any]) -> str:
    results = r["results"]
    if len(results) == 1:
        x = results[0]
        return (f"Re-test: {x['successes']}/{x['trials']} successes → {x['result'].replace('_', ' ')}; the flaw is "
                f"{x['state'].replace('_', ' ')}.")
    said = ", ".join(f"{x['flaw_id'][:8]} {x['result'].replace('_', ' ')} ({x['successes']}/{x['trials']})"
                     for x in results)
    return f"Re-test done: {said or 'no regression cases'}."


def _say_transfer(r: dict[str, Any]) -> str:
    return "Transfer: " + ", ".join(f"{x['target']} {x['result']} ({x['successes']}/{x['trials']})"
                                    for x in r["results"]) + "."


@job("findings.replay", summary=_say_replay)
async def replay(ctx: JobContext) -> dict[str, Any]:
    async with ctx.step("replaying the report") as session:
        actor = await ctx.actor(session)
        done = await verification.replay_report(session, actor, ctx.args["report_id"], trials=int(ctx.args["trials"]),
                                                box=ctx.resources.box, gateway=ctx.resources.gateway)
        ctx.checkpoint["replay"] = {"replay_id": done.id, "report_id": done.report_id, "flaw_id": done.flaw_id,
                                    "target": done.target, "trials": done.trials, "successes": done.successes,
                                    "errors": done.errors, "ci_low": done.ci_low, "ci_high": done.ci_high}
        ctx.progress(1, 1)
    await _deliver(ctx)
    return dict(ctx.checkpoint["replay"])


async def _regression(ctx: JobContext) -> dict[str, Any]:
    args = ctx.args
    results: dict[str, Any] = ctx.checkpoint.setdefault("results", {})
    if "cases" not in ctx.checkpoint:
        async with ctx.step("planning") as session:
            actor = await ctx.actor(session)
            _, _, cases = await verification.regression_cases(session, actor, system_id=args["system_id"],
                                                              version_id=args["version_id"], flaw_id=args["flaw_id"])
            ctx.checkpoint["cases"] = [c.id for c in cases]
            ctx.progress(0, len(cases))
    case_ids: list[str] = ctx.checkpoint["cases"]
    for n, case_id in enumerate(case_ids, 1):
        if case_id in results:
            continue  # committed before an earlier worker stopped
        async with ctx.step(f"re-testing case {n} of {len(case_ids)}") as session:
            actor = await ctx.actor(session)
            _, version, _ = await verification.regression_cases(session, actor, system_id=args["system_id"],
                                                                version_id=args["version_id"], flaw_id=args["flaw_id"])
            case = await session.get(RegressionCase, case_id)
            if case is None:
                results[case_id] = None  # deleted meanwhile (its flaw was merged away)
            else:
                r = await verification.retest_case(session, actor, case, version, trials=int(args["trials"]),
                                                   box=ctx.resources.box, gateway=ctx.resources.gateway)
                results[case_id] = r.model_dump()
            ctx.progress(len(results), len(case_ids))
    done = [RegressionResult(**results[c]) for c in case_ids if results.get(c)]
    async with ctx.step("recording the run") as session:
        actor = await ctx.actor(session)
        system = await session.get(AISystem, args["system_id"])
        tested = await session.get(SystemVersion, args["version_id"])
        assert system is not None and tested is not None
        await verification.record_regression(session, actor, system, tested, done)
    await _deliver(ctx)
    return {"version_id": args["version_id"], "results": [r.model_dump() for r in done]}


@job("findings.retest", summary=_say_regression)
async def retest(ctx: JobContext) -> dict[str, Any]:
    return await _regression(ctx)


@job("findings.regress", summary=_say_regression)
async def regress(ctx: JobContext) -> dict[str, Any]:
    return await _regression(ctx)


@job("findings.transfer", summary=_say_transfer)
async def transfer(ctx: JobContext) -> dict[str, Any]:
    args = ctx.args
    results: dict[str, Any] = ctx.checkpoint.setdefault("results", {})
    version_ids: list[str] = list(args["version_ids"])
    for n, version_id in enumerate(version_ids, 1):
        if version_id in results:
            continue
        async with ctx.step(f"testing version {n} of {len(version_ids)}") as session:
            actor = await ctx.actor(session)
            flaw, case, targets = await verification.transfer_targets(session, actor, args["flaw_id"], [version_id])
            version, system = targets[0]
            r = await verification.transfer_one(session, actor, flaw, case, version, system,
                                                trials=int(args["trials"]), box=ctx.resources.box,
                                                gateway=ctx.resources.gateway)
            results[version_id] = {"replay_id": r.id, "version_id": r.version_id, "target": r.target,
                                   "trials": r.trials, "successes": r.successes, "errors": r.errors,
                                   "result": r.result}
            ctx.progress(len(results), len(version_ids))
    async with ctx.step("recording the transfer") as session:
        actor = await ctx.actor(session)
        tested_flaw = await session.get(Flaw, args["flaw_id"])
        assert tested_flaw is not None
        await verification.record_transfer(session, actor, tested_flaw, {v: results[v]["result"] for v in version_ids})
    await _deliver(ctx)
    return {"results": [results[v] for v in version_ids]}
