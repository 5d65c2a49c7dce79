"""`redhive serve`: the web platform (FastAPI on uvicorn); `--demo` seeds a programme to explore."""

from __future__ import annotations

import errno
import socket
from typing import Any

import typer

from redhive.cli.common import err, out, run, styled, with_db
from redhive.errors import InvalidInput


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InvalidInput(f"Port {port} on {host} is already in use: stop the other server or choose "
                                   "another port with --port.") from None
            raise InvalidInput(f"Cannot listen on {host}:{port} ({exc.strerror}): check --host.") from None


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Seed a demo programme (idempotent) and print its logins."),
) -> None:
    """Run the web platform: pages for people, a JSON API under /api (docs at /api/docs)."""
    import uvicorn

    from redhive.app import create_app
    from redhive.settings import Settings

    settings = Settings()
    try:
        app = create_app(settings)
    except InvalidInput as exc:
        raise typer.Exit(_fail(exc.message)) from None
    _check_port_or_exit(host, port)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    if demo:
        from redhive.demo import DEMO_PASSWORD, seed_demo

        async def body(db: Any) -> tuple[list[tuple[str, str]], list[str]]:
            from redhive.findings.demo import seed_scans

            async with db.session() as session:
                seed = await seed_demo(session)
            await seed_scans(db)
            return [(login.email, login.who) for login in seed.logins], seed.notes

        logins, notes = run(with_db, body)
        out.print(styled("Demo programme ready (simulated models, fictional people). Log in as any of these, "
                         "password ", (DEMO_PASSWORD, "bold"), ":"), highlight=False)
        for email, who in logins:
            out.print(f"  {email:<28} {who}", highlight=False)
        for note in notes:
            out.print(note, highlight=False)
    elif run(with_db, _count_users) == 0:
        out.print("No accounts yet: create the first platform admin with "
                  "`redhive admin create-user EMAIL --name NAME --platform-admin`.", highlight=False)
    out.print(f"redhive is serving on {url}  (API docs: {url}/api/docs; Ctrl-C stops)", highlight=False)
    out.file.flush()  # the URL must reach a pipe (tests, supervisors) before uvicorn takes over
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


async def _count_users(db: Any) -> int:
    from sqlalchemy import func, select

    from redhive.auth.models import User

    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


def _fail(message: str) -> int:
    err.print(styled(("Error:", "bold red"), " ", message), highlight=False)
    return 2


def _check_port_or_exit(host: str, port: int) -> None:
    try:
        _check_port(host, port)
    except InvalidInput as exc:
        raise typer.Exit(_fail(exc.message)) from None
