"""The `redhive` command line (typer + rich). Commands parse input and call services only."""

from __future__ import annotations

import os

import typer

from redhive import __version__
from redhive.cli import (
    admin,
    agent_runs,
    agent_scan,
    attacks,
    audit,
    completion,
    demo,
    detectors,
    disclosure,
    export,
    findings,
    imports,
    incidents,
    judge,
    policy,
    report,
    runs,
    safeguards,
    scan,
    serve,
    suites,
)
from redhive.cli.common import fail
from redhive.errors import RedhiveError

app = typer.Typer(
    name="redhive",
    help="redhive: collaborative AI red teaming. Run shared adversarial suites against models and "
    "get honest, reproducible results.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("scan")(scan.scan)
app.command("report")(report.report)
app.command("export")(export.export)
app.command("serve")(serve.serve)
app.add_typer(runs.app, name="runs")
suites.app.command("import")(imports.import_)
app.add_typer(suites.app, name="suites")
app.add_typer(attacks.app, name="attacks")
app.add_typer(policy.app, name="policy")
app.command("agent-scan")(agent_scan.agent_scan)
app.add_typer(agent_runs.app, name="agent-runs")
app.add_typer(agent_runs.traces, name="traces")
app.add_typer(audit.app, name="audit")
app.add_typer(admin.app, name="admin")
app.add_typer(judge.app, name="judge")
app.add_typer(detectors.app, name="detectors")
app.add_typer(findings.app, name="findings")
app.add_typer(disclosure.app, name="disclosure")
app.add_typer(incidents.app, name="incidents")
app.add_typer(safeguards.app, name="safeguards")
app.command("regress")(findings.regress)
app.command("completion")(completion.completion)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"redhive {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """redhive command line."""


def main() -> None:
    if completion.COMPLETE_VAR in os.environ:  # a shell asking for completions (`redhive completion`)
        from typer._completion_classes import completion_init

        completion_init()
    try:
        app()
    except RedhiveError as exc:
        raise SystemExit(fail(exc.message, exc.exit_code).exit_code) from None


__all__ = ["app", "main"]
