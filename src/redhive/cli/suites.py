"""`redhive suites list|show`."""

from __future__ import annotations

import json
from collections import Counter

import typer
from rich.table import Table
from rich.text import Text

from redhive.cli.common import fail, out
from redhive.errors import RedhiveError

app = typer.Typer(help="List and inspect suites of probes.", no_args_is_help=True)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print the suites as one JSON array.")) -> None:
    """List the built-in suites with their probe counts per risk area."""
    from redhive.engine.suites import builtin_names, load_suite

    if as_json:
        suites = [load_suite(name) for name in builtin_names()]
        out.print_json(json.dumps([{"name": s.name, "probes": len(s.probes), "description": s.description.strip(),
                                    "risk_areas": dict(sorted(Counter(p.risk_area for p in s.probes).items()))}
                                   for s in suites]))
        return
    table = Table(header_style="bold")
    for name in ("suite", "probes", "risk areas", "description"):
        table.add_column(name)
    for name in builtin_names():
        suite = load_suite(name)
        areas = Counter(p.risk_area for p in suite.probes)
        table.add_row(name, str(len(suite.probes)), ", ".join(f"{a} {n}" for a, n in sorted(areas.items())),
                      suite.description.strip())
    out.print(table)
    out.print("Add your own with --suite path/to/file.yaml (schema: docs/suites.md).")


@app.command("show")
def show(
    suite: str = typer.Argument(..., help="Built-in name or path."),
    probe: str | None = typer.Option(None, "--probe", help="Show one probe in full."),
) -> None:
    """Show a suite's probes (or one probe in full)."""
    from redhive.engine.suites import load_suite

    try:
        loaded = load_suite(suite)
    except RedhiveError as exc:
        raise fail(exc.message) from None
    if probe is not None:
        match = next((p for p in loaded.probes if p.id == probe), None)
        if match is None:
            raise fail(f"Suite '{loaded.name}' has no probe '{probe}': `redhive suites show {suite}` lists them.")
        out.print_json(match.model_dump_json(exclude_defaults=True))
        return
    table = Table(title=f"{loaded.name} ({len(loaded.probes)} probes)", title_justify="left", header_style="bold")
    for name in ("id", "risk area", "kind", "OWASP", "ATLAS", "hazard", "title"):
        table.add_column(name)
    for p in loaded.probes:
        table.add_row(p.id, p.risk_area, p.kind, p.owasp, p.atlas, p.hazard, p.title)
    out.print(table)


@app.command("coverage")
def coverage_(
    suite: list[str] = typer.Argument(None, help="Suites to count (default: every built-in suite)."),
) -> None:
    """Print the matrix of risk areas × frameworks (OWASP LLM 2025, MITRE ATLAS, AVID SEP) with counts."""
    from redhive.engine.suites import builtin_names, load_suite
    from redhive.engine.suites.coverage import coverage
    from redhive.taxonomy import OWASP_LLM_2025

    try:
        loaded = [load_suite(s) for s in (suite or builtin_names())]
    except RedhiveError as exc:
        raise fail(exc.message) from None
    cov = coverage(loaded)
    table = Table(title=f"Coverage of {', '.join(s.name for s in loaded)}", title_justify="left",
                  header_style="bold", show_lines=True)
    for name in ("risk area", "probes", "OWASP LLM 2025", "MITRE ATLAS", "AVID SEP"):
        table.add_column(name)
    for area in sorted(cov.cells):
        cells = cov.cells[area]
        listed = ["\n".join(f"{code} ×{n}" for code, n in sorted(cells[f].items())) for f in ("owasp", "atlas", "avid")]
        table.add_row(area, str(cov.probes[area]), *listed)
    out.print(table)
    owasp = Table(title="OWASP Top 10 for LLM Applications 2025", title_justify="left", header_style="bold")
    for name in ("id", "name", "probes"):
        owasp.add_column(name)
    totals = cov.framework_totals("owasp")
    for code, name in OWASP_LLM_2025.items():
        owasp.add_row(code, name, str(totals[code]) if totals[code] else Text("0 — not covered", style="yellow"))
    out.print(owasp)
