"""`redhive findings …` and `redhive regress`: submit a report file, drafts from a scan run, the
dedup labelled set's precision and recall, exports for an audience, regression re-tests of a
system on a new version.
Commands that act as a person take `--as EMAIL` and the password (REDHIVE_PASSWORD or a prompt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import out, run, with_db

app = typer.Typer(help="Flaw reports and flaws: submit, drafts from scans, dedup evaluation.", no_args_is_help=True)

AS = typer.Option(..., "--as", help="Your account's email.")
PASSWORD = typer.Option(..., "--password", envvar="REDHIVE_PASSWORD", prompt=True, hide_input=True,
                        help="Your password (REDHIVE_PASSWORD, or asked for).")


async def _actor(session: Any, email: str, password: str) -> Any:
    from redhive.auth import service as auth

    user = await auth.authenticate_password(session, email=email, password=password)
    return await auth.load_actor(session, user, via="password")


@app.command("submit")
def submit(path: Path = typer.Argument(..., help="The report file (YAML, schema in docs/findings.md)."),
           email: str = AS, password: str = PASSWORD) -> None:
    """Submit a flaw report from a YAML file and print the likely duplicates."""
    from redhive.cli.common import fail
    from redhive.errors import RedhiveError
    from redhive.findings import service
    from redhive.findings.intake import load_report_file

    try:
        data = load_report_file(path)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None

    async def body(db: Any) -> tuple[str, str, list[Any]]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            report, dups = await service.submit_report(session, actor, data=data)
            return report.id, report.state, dups

    report_id, state, dups = run(with_db, body)
    out.print(f"Report {report_id} stored ({state}).", highlight=False)
    for d in dups:
        out.print(f"  likely duplicate {d.report_id} score {d.score:.2f} ({d.link_type}): {d.title}", highlight=False)


@app.command("from-run")
def from_run(run_id: str = typer.Argument(..., help="The scan run."),
             version: list[str] = typer.Option(..., "--version", help="The system version the run tested; once per "
                                               "target (each version's upstream target picks its attempts)."),
             mission: str | None = typer.Option(None, "--mission", help="The mission it ran under."),
             email: str = AS, password: str = PASSWORD) -> None:
    """Draft one report per version and probe family (risk area × attack) with successes."""
    from redhive.findings.intake import drafts_from_run

    async def body(db: Any) -> list[tuple[str, str]]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            drafts = await drafts_from_run(session, actor, run_id, version_ids=version, mission_id=mission)
            return [(d.id, d.title) for d in drafts]

    drafts = run(with_db, body)
    out.print(f"{len(drafts)} draft report(s) from run {run_id}:", highlight=False)
    for rid, title in drafts:
        out.print(f"  {rid}  {title}", highlight=False)


@app.command("export")
def export(fmt: str = typer.Option("json", "--format", help="json (the platform's, schema "
                                   "docs/schemas/findings-export-1.json), csaf (CSAF 2.0), avid or csv."),
           audience: str = typer.Option("TLP:AMBER+STRICT", "--audience", help="Who receives the file, as a TLP "
                                        "label: fields labelled above it are withheld (TLP:RED never leaves)."),
           output: Path | None = typer.Option(None, "-o", "--output", help="The file to write (default: stdout)."),
           org: str | None = typer.Option(None, "--org", help="The organisation (default: your only one)."),
           email: str = AS, password: str = PASSWORD) -> None:
    """Export an organisation's flaws for one audience, redacted to its TLP label."""
    from redhive.errors import InvalidInput
    from redhive.findings import exports

    async def body(db: Any) -> str:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            org_id = org
            if org_id is None:
                mine = actor.org_ids("findings.view")
                if len(mine) != 1:
                    raise InvalidInput("Give the organisation to export with --org: you triage "
                                       f"{'none' if not mine else len(mine)} organisations' findings.")
                org_id = mine[0]
            _media, text = await exports.export_flaws(session, actor, org_id, fmt, audience)
            return text

    text = run(with_db, body)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        from redhive.cli.common import fail

        raise fail(f"Cannot write {output}: {exc.strerror}. Choose a writable path.") from None
    out.print(f"Wrote {output} ({fmt}, for {audience.upper()}).", highlight=False)


@app.command("dedup-eval")
def dedup_eval(threshold: float | None = typer.Option(None, "--threshold", help="Score at which two reports are "
                                                       "duplicates (default: the shipped threshold)."),
               labelled: Path | None = typer.Option(None, "--labelled", help="Another labelled set (YAML), e.g. "
                                                    "tests/data/labels/dedup_paraphrase.yaml."),
               method: str = typer.Option("auto", "--method", help="auto (semantic with the hf extra, else "
                                          "lexical), lexical or semantic."),
               split: str | None = typer.Option(None, "--split", help="Only one part of the set: tune or holdout.")
               ) -> None:
    """Precision and recall of duplicate detection on a labelled set of reports (each part and the whole)."""
    from redhive.cli.common import fail
    from redhive.errors import RedhiveError
    from redhive.findings import dedup

    cut = dedup.DEFAULT_THRESHOLD if threshold is None else threshold
    try:
        docs = dedup.load_labelled(labelled, split=split) if labelled else dedup.labelled_set()
        parts = sorted({d.split for d in docs if d.split}) if split is None else []
        for part in [*parts, None] if len(parts) > 1 else [None]:
            chosen = [d for d in docs if part is None or d.split == part]
            r = dedup.evaluate(chosen, cut, method)
            name = f"{part} part" if part else (f"{split} part" if split else "whole set")
            out.print(f"dedup {name}: {len(chosen)} reports, {r.pairs} pairs, {r.duplicate_pairs} duplicate pairs; "
                      f"method {r.method}, threshold {r.threshold:.2f}: precision {r.precision:.3f} recall "
                      f"{r.recall:.3f} (clusters: TP {r.true_positives}, FP {r.false_positives}, FN "
                      f"{r.false_negatives}); pair by pair: precision {r.pairwise.precision:.3f} recall "
                      f"{r.pairwise.recall:.3f}", highlight=False)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None


def regress(system: str = typer.Option(..., "--system", help="The AI system id."),
            version: str = typer.Option(..., "--version", help="The new version id."),
            trials: int = typer.Option(10, "--trials", min=1, help="Trials per regression case."),
            email: str = AS, password: str = PASSWORD) -> None:
    """Re-run every regression case of a system on a new version and move its flaws."""
    from redhive.findings import verification

    async def body(db: Any) -> list[Any]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            return await verification.regress(session, actor, system_id=system, version_id=version, trials=trials)

    results = run(with_db, body)
    out.print(f"{len(results)} regression case(s) on version {version}:", highlight=False)
    for r in results:
        out.print(f"  flaw {r.flaw_id}: {r.successes}/{r.trials} successes -> {r.result}; flaw now {r.state}",
                  highlight=False)
