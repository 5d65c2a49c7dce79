"""`redhive export RUN --jsonl FILE | --junit FILE | --inspect FILE.json | --sarif FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import fail, out, run, with_db


def export(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list`)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Write every attempt as one JSON object per line."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML (one test case per attempt)."),
    inspect: Path | None = typer.Option(None, "--inspect", help="Write Inspect AI eval logs, one per target: "
                                        "into a FOLDER, named as Inspect names its logs (what `inspect view "
                                        "--log-dir FOLDER` lists), or to FILE.json."),
    sarif: Path | None = typer.Option(None, "--sarif", help="Write SARIF 2.1.0 (GitHub code scanning): one result "
                                      "per successful attack or over-refused control."),
    sarif_uri: str | None = typer.Option(None, "--sarif-uri", help="The repository file SARIF results point at "
                                         "(GitHub code scanning shows results against a file), e.g. your suite."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as one JSON array of "
                                 "{format, file, count}."),
) -> None:
    """Export a run's attempts as JSONL, JUnit XML, Inspect AI eval logs and/or SARIF."""
    if sarif_uri is not None and sarif is None:
        raise fail("--sarif-uri names the file SARIF results point at: pass --sarif FILE with it.")
    if jsonl is None and junit is None and inspect is None and sarif is None:
        raise fail("Nothing to export: pass --jsonl FILE, --junit FILE, --inspect FOLDER and/or --sarif FILE.")
    if inspect is not None and inspect.suffix != ".json" and inspect.exists() and not inspect.is_dir():
        raise fail(f"--inspect takes a folder or a FILE.json, and {inspect} is another file: choose a folder.")
    from redhive.reports import exports

    async def body(db: Any) -> list[tuple[str, Path, int]]:
        written = []
        if jsonl is not None:
            written.append(("jsonl", jsonl, await exports.write_jsonl(db, run_id, jsonl)))
        if junit is not None:
            written.append(("junit", junit, await exports.write_junit(db, run_id, junit)))
        if sarif is not None:
            from redhive.reports.sarif import write_sarif

            written.append(("sarif", sarif, await write_sarif(db, run_id, sarif, artifact=sarif_uri)))
        if inspect is not None:
            from redhive.reports.inspect_log import write_inspect_logs

            written += [("inspect", file, count) for file, count in await write_inspect_logs(db, run_id, inspect)]
        return written

    written = run(with_db, body)
    if as_json:
        out.print_json(json.dumps([{"format": kind, "file": str(file), "count": count}
                                   for kind, file, count in written]))
        return
    units = {"jsonl": "attempts", "junit": "test cases", "sarif": "results", "inspect": "samples"}
    for kind, file, count in written:
        out.print(f"Wrote {count} {units[kind]} to {file}", highlight=False)
