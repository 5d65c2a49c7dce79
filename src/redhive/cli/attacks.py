"""`redhive attacks list`."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from redhive.cli.common import out

app = typer.Typer(help="List attack converters.", no_args_is_help=True)


@app.command("list")
def list_(agentic: bool = typer.Option(False, "--agentic", help="List the injection attacks of agent-scan "
                                       "(--attacks), with their family and source."),
          as_json: bool = typer.Option(False, "--json", help="Print the list as one JSON object.")) -> None:
    """List the attack converters usable with --attack (compose with commas: base64,roleplay)."""
    from redhive.engine import registry

    if agentic:
        _agentic(as_json)
        return
    if as_json:
        converter_rows, strategy_rows = [], []
        for name in registry.names("converter"):
            converter: Any = registry.get("converter", name)
            converter_rows.append({"name": name, "family": converter.family, "description": converter.description,
                                   "needs_helper": converter.needs_helper})
        for name in registry.names("strategy"):
            strategy: Any = registry.get("strategy", name)
            strategy_rows.append({"name": name, "description": strategy.description,
                                  "needs_judge": strategy.needs_judge, "limits": strategy.limits})
        out.print_json(json.dumps({"converters": converter_rows, "strategies": strategy_rows}))
        return

    table = Table(header_style="bold")
    table.add_column("converter", no_wrap=True)
    table.add_column("family")
    table.add_column("what it does")
    for name in registry.names("converter"):
        cls: Any = registry.get("converter", name)
        table.add_row(name, cls.family, cls.description + (" (needs --helper-model)" if cls.needs_helper else ""))
    out.print(table)
    strategies = Table(header_style="bold", title="Multi-turn strategies (--strategy, with --attacker)")
    for column in ("strategy", "what it does", "limits (default)"):
        strategies.add_column(column, no_wrap=column == "strategy")
    for name in registry.names("strategy"):
        st: Any = registry.get("strategy", name)
        limits = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in st.limits.items())
        strategies.add_row(name, st.description + (" Needs --judge." if st.needs_judge else ""), limits)
    out.print(strategies)


def _agentic(as_json: bool) -> None:
    from redhive.engine.agentic.attacks import ATTACKS

    if as_json:
        out.print_json(json.dumps({"attacks": [
            {"name": name, "family": a.family, "description": a.description, "source": a.source, "dos": a.dos,
             "needs_attacker": a.needs_attacker}
            for name in sorted(ATTACKS, key=lambda n: (ATTACKS[n].family, n)) for a in [ATTACKS[name]]]}))
        return
    table = Table(header_style="bold", title="Agentic injection attacks (agent-scan --attacks)")
    for column in ("attack", "family", "what it plants", "source"):
        table.add_column(column, no_wrap=column == "attack", overflow="fold")
    for name in sorted(ATTACKS, key=lambda n: (ATTACKS[n].family, n)):
        a = ATTACKS[name]
        notes = [a.description] + (["denial of service: success = the user task failed"] if a.dos else []) + \
            (["needs --attacker-model"] if a.needs_attacker else [])
        table.add_row(name, a.family, "; ".join(notes), a.source)
    out.print(table)
