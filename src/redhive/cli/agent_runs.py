"""`redhive agent-runs list|show|export` and `redhive traces show`: recorded agent runs and their traces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from redhive.cli.common import out, run, with_db

app = typer.Typer(help="List and inspect recorded agent runs (agent-scan).", no_args_is_help=True)
traces = typer.Typer(help="Read the recorded traces of agent runs.", no_args_is_help=True)


@app.command("list")
def list_(limit: int = typer.Option(20, "--limit", help="How many agent runs, newest first."),
          as_json: bool = typer.Option(False, "--json", help="Print the runs as one JSON array.")) -> None:
    """List recorded agent runs, newest first (`redhive runs list --kind agent`)."""
    from redhive.cli.runs import list_runs

    list_runs(limit, "agent", as_json)


@app.command("show")
def show(
    run_id: str = typer.Argument(..., help="The agent run id (see `redhive agent-runs list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Show an agent run's metrics: by mode and target, by environment, the safeguard delta."""
    from redhive.cli.runs import show_agent_run

    run(with_db, lambda db: show_agent_run(db, run_id, as_json))


@traces.command("show")
def traces_show(
    run_id: str = typer.Argument(..., help="The agent run id (see `redhive agent-runs list`)."),
    episode: str | None = typer.Option(None, "--episode", help="An episode id (or a unique prefix of one); "
                                       "without it, the run's episodes are listed."),
    mode: str | None = typer.Option(None, "--mode", help="flag or halt, where the run has both."),
    as_json: bool = typer.Option(False, "--json", help="Print the trace as JSON."),
    limit: int = typer.Option(200, "--limit", help="How many episodes to list."),
) -> None:
    """Print one episode's trace readably: every model turn, tool call, result, state change,
    cascade and monitor decision, and whether the hash chain is intact."""
    from redhive.engine.agentic.trace import verify_chain
    from redhive.runs import agents as service

    async def body(db: Any) -> None:
        async with db.session() as session:
            if episode is None:
                rows = await service.list_episodes(session, run_id, limit=limit)
            else:
                ep = await service.get_episode(session, run_id, episode, mode)
        if episode is None:
            table = Table(title=f"Episodes of agent run {run_id}", title_justify="left", header_style="bold")
            for name in ("episode", "mode", "env", "user task", "injection", "attack", "target", "repeat",
                         "status", "solved", "injected", "steps"):
                table.add_column(name)
            for r in rows:
                table.add_row(r.id, r.monitor_mode, r.env, r.user_task, r.injection_task or "–", r.attack or "–",
                              r.target, str(r.repeat), r.status, _yes(r.utility), _yes(r.injection_success),
                              str(r.steps), style="red" if r.injection_success else None)
            out.print(table if rows else f"Agent run {run_id} has no stored episodes yet.")
            if rows:
                out.print(f"Show one with: redhive traces show {run_id} --episode ID", highlight=False)
            return
        if as_json:
            out.print_json(json.dumps(ep.to_dict()))
            return
        from redhive.cli.agent_render import print_trace

        print_trace(out, ep, verify_chain(ep))

    run(with_db, body)


def _yes(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "no")


@app.command("export")
def export(
    run_id: str = typer.Argument(..., help="The agent run id (see `redhive agent-runs list`)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Write every episode, its trace included, as one JSON "
                                      "object per line."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML (one test case per episode; a "
                                      "successful injection is a failure)."),
    sarif: Path | None = typer.Option(None, "--sarif", help="Write SARIF 2.1.0: one result per successful injection."),
    sarif_uri: str | None = typer.Option(None, "--sarif-uri", help="The repository file SARIF results point at."),
    inspect: Path | None = typer.Option(None, "--inspect", help="Write Inspect AI eval logs, one per target: "
                                        "into a folder (named as Inspect names its logs, so `inspect view` lists "
                                        "them) or FILE.json."),
) -> None:
    """Export an agent run's episodes as JSONL, JUnit XML, SARIF and/or Inspect AI logs (`redhive export`)."""
    from redhive.cli.export import export_run

    export_run(run_id, jsonl=jsonl, junit=junit, inspect=inspect, sarif=sarif, sarif_uri=sarif_uri, kind="agent")
