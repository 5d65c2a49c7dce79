"""The `redhive` command line (typer + rich). Commands parse input and call services only."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable

from redhive.cli import startup

startup.begin()  # before typer and the rest load: their import is start-up

import typer  # noqa: E402

from redhive import __version__  # noqa: E402
from redhive.cli.common import fail  # noqa: E402
from redhive.cli.completion import COMPLETE_VAR  # noqa: E402
from redhive.errors import RedhiveError  # noqa: E402

# Every command: name -> (module under redhive.cli, attribute, whether it is a group). A run of the
# command line imports only the module of the command it names (start-up is what a user waits for);
# `--help`, completion and `redhive.cli.app` build them all.
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "demo": ("demo", "demo", False),
    "scan": ("scan", "scan", False),
    "report": ("report", "report", False),
    "export": ("export", "export", False),
    "serve": ("serve", "serve", False),
    "runs": ("runs", "app", True),
    "suites": ("suites", "app", True),
    "attacks": ("attacks", "app", True),
    "policy": ("policy", "app", True),
    "agent-scan": ("agent_scan", "agent_scan", False),
    "agent-runs": ("agent_runs", "app", True),
    "traces": ("agent_runs", "traces", True),
    "audit": ("audit", "app", True),
    "admin": ("admin", "app", True),
    "judge": ("judge", "app", True),
    "detectors": ("detectors", "app", True),
    "findings": ("findings", "app", True),
    "disclosure": ("disclosure", "app", True),
    "incidents": ("incidents", "app", True),
    "safeguards": ("safeguards", "app", True),
    "jobs": ("jobs", "app", True),
    "regress": ("findings", "regress", False),
    "completion": ("completion", "completion", False),
}


def build(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The command line with the named commands (all of them by default)."""
    root = typer.Typer(
        name="redhive",
        help="redhive: collaborative AI red teaming. Run shared adversarial suites against models and "
        "get honest, reproducible results.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    root.callback()(_root)
    for name in names:
        module, attribute, group = COMMANDS[name]
        command = getattr(importlib.import_module(f"redhive.cli.{module}"), attribute)
        if group:
            root.add_typer(command, name=name)
        else:
            root.command(name)(command)
    return root


def _version(value: bool) -> None:
    if value:
        typer.echo(f"redhive {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    log_format: str | None = typer.Option(None, "--log-format", help="text (warnings only, the default) or json: "
                                          "one JSON object per log line on stderr, with run and request ids. "
                                          "Default: REDHIVE_LOG_FORMAT."),
) -> None:
    """redhive command line."""
    from redhive.kit.logs import configure

    try:
        configure(log_format)
    except ValueError as exc:
        raise fail(f"{exc}: set --log-format or REDHIVE_LOG_FORMAT to text or json.") from None


def __getattr__(name: str) -> typer.Typer:
    if name != "app":
        raise AttributeError(f"module 'redhive.cli' has no attribute '{name}'")
    globals()["app"] = full = build()
    return full


def _needed(argv: list[str]) -> Iterable[str]:
    """The commands this command line can reach: the one it names, none for `--version`, else all."""
    words = iter(argv)
    first = None
    for word in words:
        if word == "--log-format":  # the root's one option with a value
            next(words, None)
        elif not word.startswith("-"):
            first = word
            break
    if first in COMMANDS:
        return (first,)
    if first is None and "--version" in argv and "--help" not in argv:
        return ()
    return COMMANDS


def main() -> None:
    if COMPLETE_VAR in os.environ:  # a shell asking for completions (`redhive completion`)
        from typer._completion_classes import completion_init

        completion_init()
        command_line = build()
    else:
        command_line = build(_needed(sys.argv[1:]))
    try:
        command_line()
    except RedhiveError as exc:
        raise SystemExit(fail(exc.message, exc.exit_code).exit_code) from None


__all__ = ["app", "main"]
