"""`redhive detectors`: the detectors that need no canary, and how well each agrees with labelled
answers (precision, recall, F1, accuracy with 95 % Wilson intervals)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from redhive.cli.common import fail, out

app = typer.Typer(help="Detectors measured on labelled answers.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """Each measured detector, its labelled set and the set's size per part."""
    from redhive.engine.scorers.quality import MEASURED

    table = Table(title="Detectors measured on labelled sets", title_justify="left", header_style="bold")
    for column in ("detector", "labelled set", "train rows", "test rows", "flaw label"):
        table.add_column(column)
    for name in sorted(MEASURED):
        entry = MEASURED[name]
        table.add_row(name, str(entry.labelled.path.name), str(len(entry.labelled.rows("train"))),
                      str(len(entry.labelled.rows("test"))), entry.labelled.positive)
    out.print(table)


@app.command("evaluate")
def evaluate(
    name: str = typer.Argument(..., help="The detector: instruction_disclosure, pii, restricted_compliance, "
                               "malware_compliance, false_premise."),
    labels: Path | None = typer.Option(None, "--labels", help="Your own labelled JSONL (the fields `redhive "
                                       "detectors list` names); default: the detector's shipped set."),
    split: str = typer.Option("test", "--split", help="Part of the shipped set: test (never fitted or tuned on), "
                              "train, or all."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    misses: int = typer.Option(5, "--misses", help="Examples it gets wrong to show."),
) -> None:
    """Run a detector over labelled answers and print its precision, recall, F1 and accuracy."""
    from redhive.engine.scorers.quality import measure
    from redhive.errors import RedhiveError

    if split not in ("test", "train", "all"):
        raise fail(f"--split '{split}' is not one of test, train, all.")
    if labels is not None and not labels.is_file():
        raise fail(f"No labelled set at {labels}: give the path of a JSONL file.")
    try:
        result = measure(name, path=labels, split=None if split == "all" else split)
    except RedhiveError as exc:
        raise fail(exc.message, exc.exit_code) from None
    if as_json:
        out.print_json(json.dumps(result.to_json()))
        return
    s = result.scores
    (p_lo, p_hi), (r_lo, r_hi) = s.precision_interval, s.recall_interval
    table = Table(title=f"{name} on {result.labels}" + (f" ({result.split} part)" if result.split else ""),
                  title_justify="left", header_style="bold")
    for column in ("n", "precision", "recall", "F1", "accuracy", "TP", "FP", "TN", "FN"):
        table.add_column(column, justify="right")
    table.add_row(str(s.n), f"{s.precision:.3f} [{p_lo:.3f}, {p_hi:.3f}]", f"{s.recall:.3f} [{r_lo:.3f}, {r_hi:.3f}]",
                  f"{s.f1:.3f}", f"{s.accuracy:.3f}", str(s.tp), str(s.fp), str(s.tn), str(s.fn))
    out.print(table)
    for row in result.misses[:misses]:
        text = str(row.get("response") or row.get("text") or "")[:160].replace("\n", " ")
        out.print(f"  missed ({'flagged' if row['predicted'] else 'not flagged'}, labelled {row['label']}): "
                  f"{escape(text)}", highlight=False)
