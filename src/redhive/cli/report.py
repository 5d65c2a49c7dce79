"""`redhive report RUN --html FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import out, run, with_db


def report(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list`)."),
    html: Path = typer.Option(..., "--html", help="Where to write the self-contained HTML report."),
) -> None:
    """Write a run's report as one self-contained HTML file with charts."""
    from redhive.reports.html import write_html_report

    async def body(db: Any) -> None:
        await write_html_report(db, run_id, html)

    run(with_db, body)
    out.print(f"Report written to {html}", highlight=False)
