"""`redhive policy show FILE`: the probes a policy file generates, and the prompt redhive composes."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from rich.table import Table

from redhive.cli.common import fail, out, styled
from redhive.errors import RedhiveError

app = typer.Typer(help="Test a system against its own policy (see docs/policies.md).", no_args_is_help=True)


@app.command("show")
def show(
    file: Path = typer.Argument(..., help="Policy file (.yaml)."),
    write: Path | None = typer.Option(None, "--write", help="Also write the generated suite to this .yaml file, "
                                      "to review, edit or share it."),
) -> None:
    """Show the system prompt redhive composes and every probe generated from a policy file."""
    from redhive.engine.policies import compose_system_prompt, load_policy, policy_suite

    try:
        policy = load_policy(file)
        suite = policy_suite(policy)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None
    if policy.composes_prompt:
        out.print(styled(("Composed system prompt", "bold"), " (markers planted per restricted topic):"),
                  highlight=False)
        out.print(compose_system_prompt(policy), highlight=False, markup=False)
    table = Table(header_style="bold", title=f"{suite.name}: {len(suite.probes)} probes")
    for name in ("id", "kind", "risk area", "scored by", "prompt"):
        table.add_column(name)
    for probe in suite.probes:
        table.add_row(probe.id, probe.kind, probe.risk_area, probe.detector.type, probe.prompt or "")
    out.print(table)
    out.print(f"Scan with: redhive scan --target TARGET --policy {file} --attack all", highlight=False)
    if write is not None:
        data = suite.model_dump(mode="json", exclude_defaults=True)
        try:
            write.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        except OSError as exc:
            raise fail(f"Cannot write {write} ({exc.strerror}): choose a writable path.") from None
        out.print(f"Suite written to {write} (use it with --suite {write}).", highlight=False)
