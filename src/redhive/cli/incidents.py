"""`redhive incidents ...`: record an incident in a deployed system, add to its timeline, notify a
partner agency at a label, acknowledge a notification, list and show incidents (the recipient's view
is redacted for its label). Commands act as a person: `--as EMAIL` and the password
(REDHIVE_PASSWORD or a prompt). Times are ISO 8601, UTC unless they carry an offset."""

from __future__ import annotations

import json
from typing import Any

import typer

from redhive.cli.common import out, run, with_db
from redhive.cli.findings import AS, PASSWORD, _actor

app = typer.Typer(help="Incidents: serious flaws found in deployed systems.", no_args_is_help=True)


@app.command("create")
def create(org: str = typer.Option(..., "--org", help="Your organisation's id (it runs the system)."),
           system: str = typer.Option(..., "--system", help="The deployed AI system's id."),
           title: str = typer.Option(..., "--title"),
           severity: str = typer.Option(..., "--severity", help="S0 (critical) … S4."),
           detected_at: str = typer.Option(..., "--detected-at", help="When it was detected, e.g. 2026-12-07T09:30."),
           summary: str = typer.Option("", "--summary"), impact: str = typer.Option("", "--impact"),
           hazard_class: str = typer.Option("HZ0", "--hazard-class"),
           flaw: str | None = typer.Option(None, "--flaw", help="The flaw it is an instance of."),
           email: str = AS, password: str = PASSWORD) -> None:
    """Record an incident (its timeline starts with the detection)."""
    from redhive.incidents import service
    from redhive.kit import utcnow

    async def body(db: Any) -> str:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            incident = await service.create(session, actor, org, system_id=system, title=title, severity=severity,
                                            detected_at=service.parse_time(detected_at, "detected_at"),
                                            summary=summary, impact=impact, hazard_class=hazard_class,
                                            flaw_id=flaw, now=utcnow())
            return incident.id

    out.print(f"Incident {run(with_db, body)} recorded.", highlight=False)


@app.command("event")
def event(incident: str = typer.Argument(...), kind: str = typer.Option(..., "--kind"),
          at: str = typer.Option(..., "--at", help="When it happened."), text: str = typer.Option("", "--text"),
          email: str = AS, password: str = PASSWORD) -> None:
    """Add a dated event to the timeline."""
    from redhive.incidents import service
    from redhive.kit import utcnow

    async def body(db: Any) -> None:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            await service.add_event(session, actor, incident, kind=kind, text=text,
                                    at=service.parse_time(at, "at"), now=utcnow())

    run(with_db, body)
    out.print("Timeline event added.", highlight=False)


@app.command("notify")
def notify(incident: str = typer.Argument(...), org: str = typer.Option(..., "--org", help="The organisation."),
           audience: str = typer.Option(..., "--audience", help="The TLP label it receives, e.g. TLP:AMBER."),
           email: str = AS, password: str = PASSWORD) -> None:
    """Send the incident to another organisation at a label."""
    from redhive.incidents import service
    from redhive.kit import utcnow

    async def body(db: Any) -> None:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            await service.notify_org(session, actor, incident, org_id=org, audience=audience, now=utcnow())

    run(with_db, body)
    out.print("Notification sent.", highlight=False)


@app.command("acknowledge")
def acknowledge(incident: str = typer.Argument(...), org: str = typer.Option(..., "--org",
                help="Your organisation (the one notified)."), email: str = AS, password: str = PASSWORD) -> None:
    """Acknowledge the notification your organisation received."""
    from redhive.incidents import service
    from redhive.kit import utcnow

    async def body(db: Any) -> None:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            await service.acknowledge(session, actor, incident, org_id=org, now=utcnow())

    run(with_db, body)
    out.print("Notification acknowledged.", highlight=False)


@app.command("list")
def list_(email: str = AS, password: str = PASSWORD) -> None:
    """Your organisations' incidents and those notified to you."""
    from redhive.incidents import service

    async def body(db: Any) -> list[tuple[str, str, str, str]]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            return [(i.id, i.status, i.title if note is None else f"(shared at {note.audience})",
                     i.detected_at.isoformat()) for i, note in await service.list_incidents(session, actor)]

    for row in run(with_db, body):
        out.print("  ".join(row), highlight=False)


@app.command("show")
def show(incident: str = typer.Argument(...), audience: str | None = typer.Option(
             None, "--audience", help="Owners: preview what an audience would receive."),
         email: str = AS, password: str = PASSWORD) -> None:
    """The incident as JSON: as your organisation received it, or (owners) as an audience would."""
    from redhive.incidents import service

    async def body(db: Any) -> dict[str, Any]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            view, _ = await service.shared_view(session, actor, incident, audience)
            return view.as_dict()

    out.print_json(json.dumps(run(with_db, body)))
