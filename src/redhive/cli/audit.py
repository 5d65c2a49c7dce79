"""`redhive audit verify MISSION`: recompute a mission's transcript hash chain."""

from __future__ import annotations

from typing import Any

import typer

from redhive.cli.common import err, out, run, styled, with_db

app = typer.Typer(help="Check the tamper-evident records.", no_args_is_help=True)


@app.command("verify")
def verify(mission: str = typer.Argument(..., help="Mission id.")) -> None:
    """Verify every gateway exchange of a mission: exit 0 when the chain is intact, 1 when it is
    broken (naming the first broken record)."""
    from redhive.gateway import service

    async def body(db: Any) -> Any:
        async with db.session() as session:
            return await service.verify_mission(session, mission)

    report = run(with_db, body)
    if report.ok:
        out.print(report.sentence(mission), highlight=False)
        return
    err.print(styled(("Broken:", "bold red"), " ", report.sentence(mission)), highlight=False)
    raise typer.Exit(1)
