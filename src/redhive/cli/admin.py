"""`redhive admin create-user`: accounts from the command line, e.g. the first platform admin of a
fresh installation (the web app only creates accounts from invitations); `redhive admin migrate`:
the database schema to head (a deployment's migration step)."""

from __future__ import annotations

from typing import Any

import typer

from redhive.cli.common import out, run, with_db
from redhive.errors import InvalidInput

app = typer.Typer(help="Administration from the command line.", no_args_is_help=True)


@app.command("create-user")
def create_user(
    email: str = typer.Argument(..., help="The account's email (its login)."),
    name: str = typer.Option(..., "--name", help="Display name."),
    platform_admin: bool = typer.Option(False, "--platform-admin", help="May do everything on the platform."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given (at least 10 characters)."),
) -> None:
    """Create an account (the password is asked for, hidden, unless given)."""
    from pydantic import ValidationError

    from redhive.auth import service
    from redhive.auth.schemas import UserCreate
    from redhive.web.errors import validation_fields

    try:
        data = UserCreate(email=email, display_name=name, password=password, is_platform_admin=platform_admin)
    except ValidationError as exc:
        problem = "; ".join(f"{k}: {v}" for k, v in validation_fields(exc.errors()).items())
        raise InvalidInput(f"The account is not valid: {problem}") from None

    async def body(db: Any) -> str:
        async with db.session() as session:
            user = await service.register_user(session, email=data.email, display_name=data.display_name,
                                               password=data.password, is_platform_admin=data.is_platform_admin)
            return user.email

    created = run(with_db, body)
    role = "platform admin" if platform_admin else "account"
    out.print(f"Created the {role} {created}; log in at /login of `redhive serve`.", highlight=False)


@app.command("migrate")
def migrate() -> None:
    """Create or upgrade the configured database's schema to this version's head (REDHIVE_DATABASE_URL):
    the step a container deployment runs before the servers start."""
    from redhive.db.session import HEAD_REVISION

    async def body(db: Any) -> str | None:
        revision: str | None = await db.revision()
        return revision

    revision = run(with_db, body)
    out.print(f"The database schema is at {revision} (head: {HEAD_REVISION}).", highlight=False)
