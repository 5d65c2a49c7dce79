"""`redhive report RUN --html FILE` (scan runs and agent runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import out, run, with_db


def report(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list` or `redhive agent-runs list`)."),
    html: Path = typer.Option(..., "--html", help="Where to write the self-contained HTML report."),
) -> None:
    """Write a run's report as one self-contained HTML file with charts."""
    from redhive.reports.html import write_html_report

    async def body(db: Any) -> None:
        from redhive.agent_runs import service as agent_runs

        async with db.session() as session:
            is_agent_run = await agent_runs.exists(session, run_id)
        if is_agent_run:
            from redhive.reports.agent_html import write_agent_html_report

            await write_agent_html_report(db, run_id, html)
        else:
            await write_html_report(db, run_id, html)

    run(with_db, body)
    out.print(f"Report written to {html}", highlight=False)
