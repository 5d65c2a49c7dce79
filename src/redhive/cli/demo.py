"""`redhive demo`: the quick start — the built-in suites with the classic attacks against the three
simulated targets, the summary, and an HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import err, out, run, with_db
from redhive.cli.render import print_summary

SIM_TARGETS = ("sim:naive", "sim:guarded", "sim:hardened")


def demo(
    html: Path = typer.Option(Path("redhive-demo-report.html"), "--html", help="Where to write the report."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Scan the simulated targets with the built-in suites and the classic attacks (offline, seconds)."""
    import json

    from redhive.engine.converters import CLASSIC
    from redhive.engine.suites import DEFAULT_SUITES
    from redhive.runs import scan as scans
    from redhive.runs import service
    from redhive.runs.schemas import TargetConfig

    async def body(db: Any) -> None:
        prepared = scans.prepare_scan(
            targets=[TargetConfig(spec=s) for s in SIM_TARGETS], suites=list(DEFAULT_SUITES),
            attacks=["none", *CLASSIC],
            repeats=1, concurrency=32, params={}, api_key=None,
        )
        if not as_json:
            err.print(f"Demo: {prepared.plan.size} attempts against {', '.join(SIM_TARGETS)} "
                      "(simulated models with planted weaknesses; see docs/sim-targets.md).", highlight=False)
        result = await scans.execute(db, prepared)
        async with db.session() as session:
            summary = await service.summarise(session, result.run_id)
        from redhive.reports.html import write_html_report

        await write_html_report(db, result.run_id, html)
        if as_json:
            out.print_json(json.dumps(summary.to_json()))
            return
        print_summary(out, summary, by_attack=True)
        out.print(f"HTML report: {html.resolve()}", highlight=False)

    run(with_db, body)
