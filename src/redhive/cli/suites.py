"""`redhive suites list|show`."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from redhive.cli.common import fail, out
from redhive.cli.imports import import_
from redhive.errors import RedhiveError

app = typer.Typer(help="List and inspect suites of probes.", no_args_is_help=True)


#: For `suites list`'s time column: one model answer's typical latency and the requests in flight per
#: target by default (`scan --target-concurrency`). A rough guide, not a measurement.
_SECONDS_PER_ANSWER, _IN_FLIGHT = 3.0, 16


def _duration(requests: int) -> str:
    seconds = requests * _SECONDS_PER_ANSWER / _IN_FLIGHT
    return f"~{max(1, round(seconds))} s" if seconds < 90 else f"~{round(seconds / 60)} min"


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print the suites as one JSON array.")) -> None:
    """List the built-in suites: probes, requests and a rough time per target, languages, families."""
    from redhive.engine.suites import builtin_names, load_suite
    from redhive.engine.suites.coverage import family_of
    from redhive.engine.suites.loader import is_composed

    rows: list[dict[str, Any]] = []
    for name in builtin_names():
        suite = load_suite(name)
        rows.append({
            "name": name, "selection": is_composed(name), "probes": len(suite.probes),
            # a scripted or counterfactual probe sends one request per turn or variant
            "requests": sum(len(p.prompts) for p in suite.probes),
            "languages": sorted({p.language for p in suite.probes}),
            "families": len({family_of(p) for p in suite.probes}),
            "risk_areas": dict(sorted(Counter(p.risk_area for p in suite.probes).items())),
            "description": suite.description.strip(),
        })
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(header_style="bold")
    for name in ("suite", "probes", "time per target", "languages", "families", "description"):
        table.add_column(name)
    for row in rows:
        table.add_row(row["name"] + (" (selection)" if row["selection"] else ""), str(row["probes"]),
                      _duration(row["requests"]), ", ".join(row["languages"]), str(row["families"]),
                      row["description"])
    out.print(table)
    out.print(f"Time per target: {_SECONDS_PER_ANSWER:g} s an answer, {_IN_FLIGHT} in flight, no attack converters "
              "(each converter multiplies it). Add your own suite with --suite path/to/file.yaml (docs/suites.md).")


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
    suite: list[str] = typer.Argument(None, help="Suites to count (default: every built-in suite that holds its own "
                                      "probes, so none is counted twice)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON (families, risk areas, "
                                 "OWASP, ATLAS, AVID, languages)."),
    agentic: bool = typer.Option(False, "--agentic", help="Also count the injection tasks of the built-in agentic "
                                 "environments (redhive agent-scan) under LLM06 and LLM01."),
) -> None:
    """Print the matrix of risk areas × frameworks (OWASP LLM 2025, MITRE ATLAS, AVID SEP) with counts,
    then the probes per family and per language."""
    from redhive.engine.suites import load_suite, source_names
    from redhive.engine.suites.coverage import coverage
    from redhive.taxonomy import OWASP_LLM_2025

    try:
        loaded = [load_suite(s) for s in (suite or source_names())]
    except RedhiveError as exc:
        raise fail(exc.message) from None
    cov = coverage(loaded)
    if agentic:
        from redhive.engine.agentic.environment import environment_kinds, get_kind
        from redhive.engine.agentic.loader import load_environment

        for name in environment_kinds():
            if get_kind(name).data is not None:  # a kind that ships its data file is a built-in environment
                cov.add_agentic(name, len(load_environment(name).injection_tasks))
    if as_json:
        out.print_json(data={"suites": [s.name for s in loaded], **cov.as_json()})
        return
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
    totals = cov.owasp_tested()
    for code, name in OWASP_LLM_2025.items():
        notes = [f"{cov.also[code]} filed under another item"] if cov.also[code] else []
        notes += [f"{cov.agentic_owasp()[code]} agentic injection tasks"] if cov.agentic_owasp()[code] else []
        shown = f"{totals[code]} ({'; '.join(notes)})" if notes else str(totals[code])
        owasp.add_row(code, name, shown if totals[code] else Text("0 — not covered", style="yellow"))
    out.print(owasp)
    if cov.agentic:
        out.print("Agentic injection tasks: " + ", ".join(f"{e} {n}" for e, n in sorted(cov.agentic.items())))
    out.print("Probes per language: " + ", ".join(f"{code} {n}" for code, n in sorted(cov.languages.items())))
    out.print(f"Families ({len(cov.families)}): " + ", ".join(f"{f} {n}" for f, n in sorted(cov.families.items())))


# `redhive suites import` lives in its own module (the formats it reads); it belongs to this group.
app.command("import")(import_)
