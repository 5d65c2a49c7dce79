"""What every command shares: consoles, the database from settings, error handling."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from redhive import aio
from redhive.errors import RedhiveError

T = TypeVar("T")

# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
# No console markup: what the consoles print (messages, file names, patterns like `[a-z0-9]`, model
# answers, table cells) is text and shows as written. Style with `styled()` / rich Text instead.
out = Console(soft_wrap=True, width=_WIDTH, markup=False)
err = Console(stderr=True, soft_wrap=True, width=_WIDTH, markup=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text from plain strings and (text, style) pairs: `styled(("Error:", "bold red"), " ", message)`."""
    return Text.assemble(*parts)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(styled(("Error:", "bold red"), " ", message), highlight=False)
    return typer.Exit(code)


def run(coro_fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
    """Run a coroutine (on uvloop where installed); a RedhiveError becomes one sentence on stderr and exit code 2."""
    try:
        return aio.run(coro_fn(*args, **kwargs))
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None


async def with_db(body: Callable[[Any], Awaitable[T]], *, when_used: bool = False) -> T:
    """Open the configured database, migrate it to head, run `body(db)`, close it. `when_used`: leave
    opening and migrating to the body (`Database.ensure_schema`), which may do work before it
    (a new scan sends its first requests before the database layer is loaded)."""
    from redhive.db.session import Database

    db = Database.configured()
    try:
        if not when_used:
            await db.ensure_schema()
        return await body(db)
    finally:
        await db.dispose()


def is_tty() -> bool:
    return sys.stderr.isatty()
