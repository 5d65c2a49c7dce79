"""What every command shares: consoles, the database from settings, error handling."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from redhive import aio
from redhive.errors import RedhiveError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

T = TypeVar("T")


class _Console:
    """A rich Console, made when first used (every attribute is the Console's): loading rich costs
    ~40 ms, which a command that prints nothing before its work (`scan --json`) does not spend then."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)

    def __enter__(self) -> Console:  # `with console:` (rich's live displays) looks these up on the type
        return self.console.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.console.__exit__(*exc)


# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
# No console markup: what the consoles print (messages, file names, patterns like `[a-z0-9]`, model
# answers, table cells) is text and shows as written. Style with `styled()` / rich Text instead.
out = cast("Console", _Console(soft_wrap=True, width=_WIDTH, markup=False))
err = cast("Console", _Console(stderr=True, soft_wrap=True, width=_WIDTH, markup=False))


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text from plain strings and (text, style) pairs: `styled(("Error:", "bold red"), " ", message)`."""
    from rich.text import Text

    return Text.assemble(*parts)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(styled(("Error:", "bold red"), " ", message), highlight=False)
    return typer.Exit(code)


def run(coro_fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
    """Run a coroutine (on uvloop where installed); a RedhiveError becomes one sentence on stderr and exit code 2.

    Start-up ends here (`startup.end`: the collector's threshold is the default again)."""
    from redhive.cli import startup

    startup.end()
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
