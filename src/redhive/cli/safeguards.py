"""`redhive safeguards evaluate` (a hazard classifier's precision, recall and benign-science
false-positive rate on a labelled set) and `redhive safeguards test` (surrogate hazard suites against
a model alone and behind redhive's safeguards)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from redhive.cli.common import out, run

app = typer.Typer(help="Hazard screening and safeguard testing (surrogate content only).", no_args_is_help=True)


def _rate(value: float, ci: list[float]) -> str:
    return f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


@app.command("evaluate")
def evaluate_(
    labels: Path | None = typer.Option(None, "--labels", help="Labelled JSONL of {text, label: hazard|benign, "
                                       "category} (default: the shipped held-out set)."),
    classifier: str = typer.Option("builtin", "--classifier", help="builtin, builtin:TRAIN.jsonl, judge:TARGET, "
                                   "or a plugin's name."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    base_url: str | None = typer.Option(None, "--base-url", help="Endpoint of a judge classifier's model."),
    api_key: str | None = typer.Option(None, "--api-key", envvar="REDHIVE_API_KEY", show_envvar=False,
                                       help="API key of a judge classifier's model."),
) -> None:
    """Screen every labelled text and report hazard precision and recall and the false-positive rate
    on benign science, each with a 95% Wilson interval."""
    from redhive.safeguards.labels import HELDOUT, evaluate, read_labels
    from redhive.safeguards.screening import ClassifierOptions, create_classifier

    path = labels or HELDOUT

    async def body() -> None:
        rows = read_labels(path)
        screen = create_classifier(classifier, ClassifierOptions(base_url=base_url, api_key=api_key))
        try:
            result = (await evaluate(screen, rows, labels=str(path))).to_json()
        finally:
            await screen.aclose()
        if as_json:
            out.print_json(json.dumps(result))
            return
        table = Table(title=f"{result['classifier']} on {path} ({result['n']} texts)", title_justify="left",
                      header_style="bold")
        for name in ("hazard precision", "hazard recall", "benign-science FPR", "hazard n", "benign n", "errors"):
            table.add_column(name, justify="right")
        table.add_row(_rate(result["hazard_precision"], result["hazard_precision_ci95"]),
                      _rate(result["hazard_recall"], result["hazard_recall_ci95"]),
                      _rate(result["benign_false_positive_rate"], result["benign_false_positive_rate_ci95"]),
                      str(result["hazard_n"]), str(result["benign_science_n"]), str(result["errors"]))
        out.print(table)
        by = Table(title="Recall by hazard category", title_justify="left", header_style="bold")
        for name in ("category", "flagged / n", "recall"):
            by.add_column(name, justify="right" if name != "category" else "left")
        for category, cell in result["recall_by_category"].items():
            by.add_row(category, f"{cell['flagged']} / {cell['n']}", _rate(cell["recall"] or 0.0, cell["ci95"]))
        out.print(by)
        out.print("95% Wilson intervals in brackets. A text the classifier could not decide counts as not "
                  "flagged and under errors. Surrogate data: these are figures on fictional requests, not a "
                  "measurement against real hazardous text.", highlight=False)

    run(body)
