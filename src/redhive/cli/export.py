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
    """Export a run's attempts (an agent run's episodes) as JSONL, JUnit XML, Inspect AI eval logs
    and/or SARIF."""
    export_run(run_id, jsonl=jsonl, junit=junit, inspect=inspect, sarif=sarif, sarif_uri=sarif_uri, as_json=as_json)


#: What each format's count counts, per kind of run.
UNITS = {"probe": {"jsonl": "attempts", "junit": "test cases", "sarif": "results", "inspect": "samples"},
         "agent": {"jsonl": "episodes", "junit": "test cases", "sarif": "results", "inspect": "samples"}}


def export_run(run_id: str, *, jsonl: Path | None, junit: Path | None, inspect: Path | None, sarif: Path | None,
               sarif_uri: str | None, as_json: bool = False, kind: str | None = None) -> None:
    """Write the formats asked for with the writers of the run's kind (`kind`: only a run of it)."""
    if sarif_uri is not None and sarif is None:
        raise fail("--sarif-uri names the file SARIF results point at: pass --sarif FILE with it.")
    if jsonl is None and junit is None and inspect is None and sarif is None:
        raise fail("Nothing to export: pass --jsonl FILE, --junit FILE, --inspect FOLDER and/or --sarif FILE.")
    if inspect is not None and inspect.suffix != ".json" and inspect.exists() and not inspect.is_dir():
        raise fail(f"--inspect takes a folder or a FILE.json, and {inspect} is another file: choose a folder.")

    async def body(db: Any) -> tuple[str, list[tuple[str, Path, int]]]:
        from redhive.runs import service

        async with db.session() as session:
            run_kind = (await service.get_run(session, run_id, kind)).kind
        if run_kind == "agent":
            from redhive.reports import agent_exports as agent
            from redhive.reports.agent_inspect import write_agent_inspect_logs

            writers: dict[str, Any] = {"jsonl": agent.write_agent_jsonl, "junit": agent.write_agent_junit,
                                       "sarif": agent.write_agent_sarif, "inspect": write_agent_inspect_logs}
        else:
            from redhive.reports import exports
            from redhive.reports.inspect_log import write_inspect_logs
            from redhive.reports.sarif import write_sarif

            writers = {"jsonl": exports.write_jsonl, "junit": exports.write_junit, "sarif": write_sarif,
                       "inspect": write_inspect_logs}
        written = []
        for name, path in (("jsonl", jsonl), ("junit", junit)):
            if path is not None:
                written.append((name, path, await writers[name](db, run_id, path)))
        if sarif is not None:
            written.append(("sarif", sarif, await writers["sarif"](db, run_id, sarif, artifact=sarif_uri)))
        if inspect is not None:
            if inspect.suffix != ".json":
                inspect.mkdir(parents=True, exist_ok=True)
            written += [("inspect", file, count) for file, count in await writers["inspect"](db, run_id, inspect)]
        return run_kind, written

    run_kind, written = run(with_db, body)
    if as_json:
        out.print_json(json.dumps([{"format": name, "file": str(file), "count": count}
                                   for name, file, count in written]))
        return
    for name, file, count in written:
        out.print(f"Wrote {count} {UNITS[run_kind][name]} to {file}", highlight=False)
