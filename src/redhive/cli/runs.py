"""`redhive runs list|show`."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from redhive.cli.common import out, run, with_db
from redhive.cli.render import pct, print_summary

app = typer.Typer(help="List and inspect recorded runs.", no_args_is_help=True)


@app.command("list")
def list_(limit: int = typer.Option(20, "--limit", help="How many runs, newest first.")) -> None:
    """List recorded runs, newest first."""
    from redhive.runs import service

    async def body(db: Any) -> None:
        async with db.session() as session:
            rows = await service.list_runs(session, limit)
        table = Table(header_style="bold")
        for name in ("run", "status", "started", "targets", "suites", "attacks", "attempts", "successes"):
            table.add_column(name, no_wrap=name in ("run", "started"))
        for r, n, s in rows:
            cfg = r.config
            table.add_row(r.id, r.status, f"{r.created_at:%Y-%m-%d %H:%M}",
                          ", ".join(t["spec"] for t in cfg.get("targets", [])), ", ".join(cfg.get("suites", [])),
                          ", ".join(cfg.get("attacks", [])), f"{n}/{r.plan_size}", str(s))
        out.print(table if rows else "No runs yet: start one with `redhive scan` or `redhive demo`.")

    run(with_db, body)


@app.command("show")
def show(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    probes: bool = typer.Option(False, "--probes", help="Also list every probe's row."),
) -> None:
    """Show a run's summary: rates by target, risk area, attack (and probe)."""
    from redhive.cli.render import rate_table
    from redhive.runs import service

    async def body(db: Any) -> None:
        async with db.session() as session:
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


__all__ = ["app", "pct"]
