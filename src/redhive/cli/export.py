"""`redhive export RUN --jsonl FILE | --junit FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import fail, out, run, with_db


def export(
    run_id: str = typer.Argument(..., help="The run id (see `redhive runs list`)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Write every attempt as one JSON object per line."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML (one test case per attempt)."),
    inspect: Path | None = typer.Option(None, "--inspect", help="Write an Inspect AI eval log (.json) that "
                                        "`inspect view` opens; one file per target."),
) -> None:
    """Export a run's attempts as JSONL, JUnit XML and/or Inspect AI eval logs."""
    if jsonl is None and junit is None and inspect is None:
        raise fail("Nothing to export: pass --jsonl FILE, --junit FILE and/or --inspect FILE.json.")
    if inspect is not None and inspect.suffix != ".json":
        raise fail(f"--inspect writes Inspect's JSON log format: give a file ending in .json, not {inspect.name}.")
    from redhive.reports import exports

    async def body(db: Any) -> list[str]:
        written = []
        if jsonl is not None:
            count = await exports.write_jsonl(db, run_id, jsonl)
            written.append(f"{count} attempts to {jsonl}")
        if junit is not None:
            count = await exports.write_junit(db, run_id, junit)
            written.append(f"{count} test cases to {junit}")
        if inspect is not None:
            from redhive.reports.inspect_log import write_inspect_logs

            for file, count in await write_inspect_logs(db, run_id, inspect):
                written.append(f"{count} samples to {file}")
        return written

    for line in run(with_db, body):
        out.print(f"Wrote {line}", highlight=False)
