"""The self-contained HTML report of a run of either kind (one page, `run_report.html.j2`, with each
kind's sections): a probe run's summary, charts, tables and example attempts; an agent run's
(`agent_html.agent_sections`)."""

from __future__ import annotations

from pathlib import Path

from redhive.db.session import Database
from redhive.reports import charts
from redhive.reports.exports import write_file
from redhive.reports.templating import report_environment
from redhive.runs import queries, service

__all__ = ["render_html_report", "write_html_report"]

EXAMPLES = 60
ERRORS = 20


async def render_html_report(db: Database, run_id: str) -> str:
    async with db.session() as session:
        kind = (await service.get_run(session, run_id)).kind
    if kind == "agent":
        from redhive.reports.agent_html import render_agent_sections

        return await render_agent_sections(db, run_id)
    async with db.session() as session:
        summary = await service.summarise(session, run_id)
        examples = (await session.scalars(queries.examples(run_id, "success", EXAMPLES))).all()
        errors = (await session.scalars(queries.examples(run_id, "error", ERRORS))).all()
        conversations = await service.turns_of(session, run_id, [a.id for a in examples])
    template = report_environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        examples=examples,
        errors=errors,
        conversations=conversations,
        chart_categories=charts.asr_bars(summary.categories, ["target", "risk_area"],
                                         "Attack-success rate by target and risk area"),
        chart_attacks=charts.asr_bars(summary.attacks, ["target", "attack"],
                                      "Attack-success rate by target and attack"),
        chart_outcomes=charts.outcome_stack(summary.targets, ["target"], "Outcomes by target"),
    )


async def write_html_report(db: Database, run_id: str, path: Path) -> None:
    html = await render_html_report(db, run_id)
    write_file(path, html, "--html path")
