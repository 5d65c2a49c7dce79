"""`redhive suites import FILE`: turn prompts from files or other tools' results into a suite file."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml

from redhive.cli.common import fail, out
from redhive.errors import RedhiveError


def import_(
    file: Path = typer.Argument(..., help="File to import."),
    output: Path = typer.Option(..., "--output", "-o", help="Suite file (.yaml) to write."),
    fmt: str = typer.Option("auto", "--from", help="jsonl, csv, garak (report.jsonl or hitlog.jsonl), promptfoo "
                            "(a config .yaml/.json or eval results .json), or auto (by extension and content)."),
    name: str | None = typer.Option(None, "--name", help="Suite name (default: from the output file name)."),
    judge: str | None = typer.Option(None, "--judge", help="Judge target spec for prompts without a mechanical "
                                     "success check (e.g. openai:gpt-4o-mini; sim:judge for a dry run)."),
    risk_area: str = typer.Option("jailbreak", "--risk-area", help="Risk area of rows that name none."),
    owasp: str = typer.Option("LLM01:2025", "--owasp", help="OWASP LLM Top 10 2025 id of rows that name none."),
    atlas: str = typer.Option("AML.T0054", "--atlas", help="MITRE ATLAS technique of rows that name none."),
) -> None:
    """Import probes from a JSONL/CSV prompt file, a garak report or hitlog, or a promptfoo config or
    results into a suite; garak triggers and promptfoo assertions become detectors."""
    from redhive.engine.suites.imports import ImportOptions, import_suite

    chosen = _detect(file) if fmt == "auto" else fmt
    suite_name = name or "".join(c if c.isalnum() else "-" for c in output.stem.lower()).strip("-") or "imported"
    try:
        imported = import_suite(file, chosen, ImportOptions(suite_name, judge, risk_area, owasp, atlas))  # type: ignore[arg-type]
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None
    suite = imported.suite
    data = suite.model_dump(mode="json", exclude_defaults=True)
    try:
        output.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    except OSError as exc:
        raise fail(f"Cannot write {output} ({exc.strerror}): choose a writable path.") from None
    scored = sum(1 for p in suite.probes if p.detector.type != "judge")
    out.print(f"Imported {len(suite.probes)} probes from {file} ({chosen}) into {output}: {scored} checked "
              f"mechanically, {len(suite.probes) - scored} by the judge. Scan with --suite {output}.", highlight=False)
    if imported.not_carried:
        out.print("Not carried (no redhive equivalent): " + "; ".join(imported.not_carried) + ".", highlight=False)


def _detect(file: Path) -> str:
    from redhive.engine.suites.imports.garak import is_garak_row

    if file.suffix == ".csv":
        return "csv"
    if file.suffix in (".json", ".yaml", ".yml"):
        return "promptfoo"
    try:
        with file.open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        row = json.loads(first or "{}")
        return "garak" if isinstance(row, dict) and is_garak_row(row) else "jsonl"
    except (OSError, ValueError, TypeError):
        return "jsonl"  # the importer reports the file's problem with its line
