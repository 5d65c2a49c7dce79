"""`redhive runs list|show`: runs of both kinds (scans and agent scans), from the one run store."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from redhive.cli.common import fail, out, run, styled, with_db
from redhive.cli.render import pct, print_summary

app = typer.Typer(help="List and inspect recorded runs.", no_args_is_help=True)


@app.command("list")
def list_(limit: int = typer.Option(20, "--limit", help="How many runs, newest first."),
          kind: str = typer.Option("all", "--kind", help="probe (scan), agent (agent-scan) or all."),
          as_json: bool = typer.Option(False, "--json", help="Print the runs as one JSON array.")) -> None:
    """List recorded runs of both kinds (scans and agent scans), newest first."""
    list_runs(limit, kind, as_json)


def list_runs(limit: int, kind: str, as_json: bool) -> None:
    from redhive.runs import service

    if kind not in ("probe", "agent", "all"):
        raise fail(f"--kind must be probe, agent or all, not '{kind}'.")

    async def body(db: Any) -> None:
        async with db.session() as session:
            rows = await service.list_runs(session, limit, None if kind == "all" else kind)
        if as_json:
            out.print_json(json.dumps([{
                "id": r.id, "kind": r.kind, "status": r.status, "created_at": r.created_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "targets": [t["spec"] for t in r.config.get("targets", [])],
                **({"envs": r.config.get("envs", []), "monitor_modes": r.config.get("monitor_modes", []),
                    "episodes": n} if r.kind == "agent" else {"suites": r.config.get("suites", []), "attempts": n}),
                "attacks": r.config.get("attacks", []), "planned": r.plan_size, "successes": s,
            } for r, n, s in rows]))
            return
        table = Table(header_style="bold")
        for name in ("run", "kind", "status", "started", "targets", "suites / environments", "attacks", "stored",
                     "successes"):
            table.add_column(name, no_wrap=name in ("run", "started"))
        for r, n, s in rows:
            cfg = r.config
            tested = cfg.get("envs", []) if r.kind == "agent" else cfg.get("suites", [])
            modes = f" ({'+'.join(cfg.get('monitor_modes', []))})" if r.kind == "agent" else ""
            table.add_row(r.id, r.kind, r.status, f"{r.created_at:%Y-%m-%d %H:%M}",
                          ", ".join(t["spec"] for t in cfg.get("targets", [])), ", ".join(tested) + modes,
                          ", ".join(cfg.get("attacks", [])) or "none", f"{n}/{r.plan_size}", str(s))
        out.print(table if rows else "No runs yet: start one with `redhive scan`, `redhive agent-scan` or "
                  "`redhive demo`.")

    run(with_db, body)


@app.command("show")
def show(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    probes: bool = typer.Option(False, "--probes", help="Also list every probe's row."),
    attempt: str | None = typer.Option(None, "--attempt", help="Show one attempt and its conversation, turn by turn."),
    attempts: bool = typer.Option(False, "--attempts", help="List the run's attempts (ids, outcomes, turns)."),
) -> None:
    """Show a run's summary: rates by target, risk area, attack (and probe), or one attempt; an agent
    run's metrics by mode, target, environment and task."""
    from redhive.cli.render import rate_table
    from redhive.runs import service

    if attempt is not None:
        run(with_db, lambda db: _show_attempt(db, run_id, attempt, as_json))
        return
    if attempts:
        run(with_db, lambda db: _list_attempts(db, run_id))
        return

    async def body(db: Any) -> None:
        async with db.session() as session:
            if (await service.get_run(session, run_id)).kind == "agent":
                await show_agent_run(db, run_id, as_json)
                return
            summary = await service.summarise(session, run_id)
        if as_json:
            out.print_json(json.dumps(summary.to_json()))
            return
        print_summary(out, summary)
        if probes:
            out.print(rate_table("By probe", summary.probes, ["target", "probe_id", "risk_area"]))
        if summary.run["error"]:
            out.print(f"Stopped because: {summary.run['error']}", highlight=False)

    run(with_db, body)


async def show_agent_run(db: Any, run_id: str, as_json: bool) -> None:
    from redhive.cli.agent_render import metrics_table, print_agent_summary
    from redhive.runs import agents

    async with db.session() as session:
        summary = await agents.summarise(session, run_id)
    if as_json:
        out.print_json(json.dumps(summary))
        return
    print_agent_summary(out, summary)
    out.print(metrics_table("By user task", summary["tasks"], ["monitor_mode", "target", "env", "user_task"]))
    if summary["run"]["error"]:
        out.print(f"Stopped because: {summary['run']['error']}", highlight=False)


async def _show_attempt(db: Any, run_id: str, attempt_id: str, as_json: bool) -> None:
    from redhive.reports.exports import attempt_dict
    from redhive.runs import service

    async with db.session() as session:
        a = await service.get_attempt(session, run_id, attempt_id)
        turns = (await service.turns_of(session, run_id, [attempt_id]))[attempt_id]
        data = attempt_dict(a, run_id, turns)
    if as_json:
        out.print_json(json.dumps(data))
        return
    out.print(styled((a.id, "bold"), f" {a.probe_id} · {a.target} · {a.attack} · repeat {a.repeat}: ",
                     (a.outcome, "bold")), highlight=False)
    if a.evidence or a.error:
        out.print(a.error or a.evidence, highlight=False)
    if not turns:
        out.print(styled("\n", ("prompt", "bold"), f"\n{a.prompt}\n\n", ("response", "bold"), f"\n{a.response}"),
                  highlight=False)
        return
    for t in turns:
        score = "" if t.score is None else f" score {t.score:g}"
        where = f" [{t.branch}]" if t.branch else ""
        note = f" ({t.note})" if t.note else ""
        out.print(styled("\n", (f"#{t.idx}{where} {t.role}", "bold"), f"{score}{note}"), highlight=False)
        out.print(t.content, highlight=False)


async def _list_attempts(db: Any, run_id: str) -> None:
    from redhive.runs import service

    table = Table(header_style="bold")
    for name in ("attempt", "probe", "target", "attack", "repeat", "outcome", "turns"):
        table.add_column(name, no_wrap=name == "attempt")
    async with db.session() as session:
        async for a, turns in service.iter_attempts_with_turns(session, run_id):
            table.add_row(a.id, a.probe_id, a.target, a.attack, str(a.repeat), a.outcome, str(len(turns)))
    out.print(table)


__all__ = ["app", "pct"]
