"""`redhive disclosure tick`: bring the disclosure clocks in step and send what is due (reminders,
escalations). Run it from cron or a scheduler; each reminder and escalation goes out once.
`redhive disclosure signoff`: sign off the public (TLP:CLEAR) version of a report (D39)."""

from __future__ import annotations

from typing import Any

import typer

from redhive.cli.common import fail, out, run, with_db

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


@app.command("signoff")
def signoff(
    mission: str | None = typer.Option(None, "--mission", help="The mission whose report you sign off."),
    system: str | None = typer.Option(None, "--system", help="The system whose report you sign off."),
    since: str | None = typer.Option(None, "--since", help="The report's period, as given to `redhive report`."),
    until: str | None = typer.Option(None, "--until", help="The report's period, as given to `redhive report`."),
    note: str = typer.Option("", "--note", help="Why, or what was checked (recorded with the sign-off)."),
    email: str = typer.Option(..., "--as", help="Your account's email (an admin or coordinator of a signer)."),
    password: str | None = typer.Option(None, "--password", envvar="REDHIVE_PASSWORD", hide_input=True,
                                        help="Your password (REDHIVE_PASSWORD, or asked for)."),
) -> None:
    """Sign off the public (TLP:CLEAR) version of a mission's or system's report as it reads now,
    for the developer organisation or a regulator whose agreement asks for it."""
    from redhive.errors import InvalidInput
    from redhive.reports.audience import parse_scope, sign_off

    try:
        scope = parse_scope(mission, system, since, until)
    except InvalidInput as exc:
        raise fail(exc.message) from None
    secret = password if password is not None else typer.prompt("Password", hide_input=True)

    async def body(db: Any) -> list[dict[str, Any]]:
        from redhive.auth import service as auth

        async with db.session() as session:
            user = await auth.authenticate_password(session, email=email, password=secret)
            actor = await auth.load_actor(session, user, via="password")
            return await sign_off(session, actor, scope, note)

    for row in run(with_db, body):
        out.print(f"{row['status']}: {row['organisation']} ({row['role']})"
                  + (f" at {row['at']}" if "at" in row else ""), highlight=False)
