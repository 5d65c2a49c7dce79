"""`redhive judge calibrate`: a judge's precision, recall, F1, Cohen's kappa and confusion matrix
against labelled exchanges."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from redhive.cli.common import out, run

app = typer.Typer(help="Calibrate LLM judges against labelled examples.", no_args_is_help=True)


@app.command("calibrate")
def calibrate_(
    judge: str = typer.Option(..., "--judge",
                              help="Target spec of the judge model, e.g. sim:judge or openai:gpt-4o-mini."),
    labels: Path = typer.Option(..., "--labels", help="Labelled JSONL file (e.g. tests/data/labels/judge.jsonl)."),
    rubric: str | None = typer.Option(None, "--rubric", help="Only rows of this rubric (refusal, policy_violation, "
                                      "harmful_compliance, strongreject); needed for text/label refusal sets."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    base_url: str | None = typer.Option(None, "--base-url", help="Endpoint for openai:/anthropic: judges."),
    api_key_env: str | None = typer.Option(None, "--api-key-env", metavar="VAR",
                                           help="Environment variable holding the judge's key (default: "
                                                "OPENAI_API_KEY / ANTHROPIC_API_KEY when no --base-url is given)."),
    concurrency: int = typer.Option(8, "--concurrency", "-c", help="Judge requests in flight at once."),
) -> None:
    """Judge every labelled exchange and report how far the judge agrees with the labels."""
    from redhive.engine.scorers.calibration import OUTCOMES, calibrate, read_labels
    from redhive.engine.targets.base import TargetOptions

    async def body() -> None:
        rows = read_labels(labels, rubric)
        result = await calibrate(judge, rows, options=TargetOptions(base_url=base_url, api_key_env=api_key_env),
                                 concurrency=concurrency, rubric=rubric)
        if as_json:
            out.print_json(json.dumps(result.to_json()))
            return
        s = result.scores
        (p_lo, p_hi), (r_lo, r_hi) = s.precision_interval, s.recall_interval
        figures = Table(title=f"Calibration of {judge} on {labels} (rubric: {result.rubric})",
                        title_justify="left", header_style="bold")
        for name in ("n", "precision", "recall", "F1", "accuracy", "Cohen's κ", "unscorable"):
            figures.add_column(name, justify="right")
        figures.add_row(str(s.n), f"{s.precision:.3f} [{p_lo:.3f}, {p_hi:.3f}]",
                        f"{s.recall:.3f} [{r_lo:.3f}, {r_hi:.3f}]", f"{s.f1:.3f}", f"{s.accuracy:.3f}",
                        f"{result.agreement.kappa:.3f}", str(s.unscorable))
        out.print(figures)
        matrix = Table(title="Confusion matrix (rows: label, columns: judge)", title_justify="left",
                       header_style="bold")
        matrix.add_column("label \\ judge")
        for outcome in OUTCOMES:
            matrix.add_column(outcome, justify="right")
        for label, row in result.matrix.items():
            matrix.add_row(label, *(str(row[o]) for o in OUTCOMES))
        out.print(matrix)
        out.print("Precision and recall are those of 'success' (the flaw the rubric describes); 95% Wilson "
                  "intervals in brackets; κ is over success/refused/resisted, an unscorable reply counting "
                  "as a disagreement.", highlight=False)

    run(body)
