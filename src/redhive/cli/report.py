"""`redhive report RUN --html FILE` (scan runs and agent runs) and
`redhive report (--mission M | --system S) [--since DAY --until DAY] --audience TLP:X
--format html|pdf|json -o FILE --as EMAIL` (the red-team report of a mission or a system, for
one audience: redhive.reports.audience)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import fail, out, run, with_db


def report(
    run_id: str | None = typer.Argument(None, help="The run id (see `redhive runs list` or `redhive agent-runs "
                                        "list`); or give --mission instead."),
    html: Path | None = typer.Option(None, "--html", help="A run's report: where to write the self-contained HTML."),
    mission: str | None = typer.Option(None, "--mission", help="A mission's red-team report for one audience."),
    system: str | None = typer.Option(None, "--system", help="A system's red-team report for one audience."),
    since: str | None = typer.Option(None, "--since", help="With --mission/--system: only flaws found on or after "
                                     "this day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="With --mission/--system: only flaws found on or before "
                                     "this day (YYYY-MM-DD)."),
    audience: str = typer.Option("TLP:AMBER+STRICT", "--audience", help="With --mission: who receives it, as a TLP "
                                 "label; fields labelled above it are withheld (TLP:RED never goes into a file)."),
    fmt: str = typer.Option("html", "--format", help="With --mission: html (self-contained), pdf (A4; needs the "
                            "pdf extra) or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="With --mission: the file to write."),
    draft: bool = typer.Option(False, "--draft", help="With --audience TLP:CLEAR: the public version before it is "
                               "signed off, marked as a draft (for those who sign it off)."),
    email: str | None = typer.Option(None, "--as", help="With --mission: your account's email."),
    password: str | None = typer.Option(None, "--password", envvar="REDHIVE_PASSWORD", hide_input=True,
                                        help="With --mission: your password (REDHIVE_PASSWORD, or asked for)."),
) -> None:
    """Write a run's report as one self-contained HTML file with charts, or the red-team report of a
    mission or a system (optionally for a period) for one audience (HTML, PDF or JSON)."""
    if mission is not None or system is not None:
        from redhive.errors import InvalidInput
        from redhive.reports.audience import parse_scope

        if run_id is not None or html is not None:
            raise fail("Give either a RUN with --html or --mission/--system with -o, not both.")
        if output is None or email is None:
            raise fail("A mission's or system's report needs -o FILE and --as EMAIL (whose view of the findings "
                       "it is).")
        try:
            scope = parse_scope(mission, system, since, until)
        except InvalidInput as exc:
            raise fail(exc.message) from None
        secret = password if password is not None else typer.prompt("Password", hide_input=True)
        _audience_report(scope, audience, fmt, output, email, secret, draft)
        return
    if since is not None or until is not None:
        raise fail("--since and --until go with --mission or --system: a run's report covers the whole run.")
    if run_id is None or html is None:
        raise fail("Give a RUN and --html FILE (a run's report), or --mission M / --system S with -o FILE.")
    _run_report(run_id, html)


def _run_report(run_id: str, html: Path) -> None:
    from redhive.reports.html import write_html_report

    run(with_db, lambda db: write_html_report(db, run_id, html))
    out.print(f"Report written to {html}", highlight=False)


def _audience_report(scope: Any, audience: str, fmt: str, output: Path, email: str, password: str,
                     draft: bool) -> None:
    async def body(db: Any) -> bytes:
        from redhive.auth import service as auth
        from redhive.reports.audience import audience_report

        async with db.session() as session:
            user = await auth.authenticate_password(session, email=email, password=password)
            actor = await auth.load_actor(session, user, via="password")
            return await audience_report(session, actor, scope, audience, fmt.lower(), draft=draft)

    from redhive.errors import RedhiveError
    from redhive.reports.exports import write_file

    text = run(with_db, body)
    try:
        write_file(output, text, "-o path")
    except RedhiveError as exc:
        raise fail(exc.message) from None
    out.print(f"Wrote {output} ({fmt.lower()}, for {audience.strip().upper()}).", highlight=False)
