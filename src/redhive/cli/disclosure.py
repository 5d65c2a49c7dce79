"""`redhive disclosure tick`: bring the disclosure clocks in step and send what is due (reminders,
escalations). Run it from cron or a scheduler; each reminder and escalation goes out once."""

from __future__ import annotations

from typing import Any

import typer

from redhive.cli.common import out, run, with_db

app = typer.Typer(help="Coordinated disclosure: clocks, reminders and escalations.", no_args_is_help=True)


@app.command("tick")
def tick() -> None:
    """Update every disclosure clock and send the reminders and escalations due now."""
    from redhive.disclosure import clock_service
    from redhive.kit import utcnow

    async def body(db: Any) -> clock_service.TickResult:
        async with db.session() as session:
            return await clock_service.tick(session, utcnow())

    result = run(with_db, body)
    out.print(f"{len(result.reminders)} reminder(s), {len(result.escalations)} escalation(s) sent.", highlight=False)
