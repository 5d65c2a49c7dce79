"""`redhive safeguards evaluate` (a hazard classifier's precision, recall and benign-science
false-positive rate on a labelled set) and `redhive safeguards test` (surrogate hazard suites against
a model alone and behind redhive's safeguards)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from redhive.cli.common import fail, out, run

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
    api_key: str | None = typer.Option(None, "--api-key", help="API key of a judge classifier's model."),
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


CLASSIC = ("none", "base64", "rot13", "leetspeak", "roleplay", "prefix_injection", "refusal_suppression")


@app.command("test")
def test_(
    target: list[str] = typer.Option(..., "--target", "-t", help="Model to test, alone and behind redhive's "
                                     "safeguards (repeatable), e.g. sim:naive or openai:llama3.1."),
    attack: list[str] = typer.Option(list(CLASSIC), "--attack", "-a", help="Converter chains (repeatable; "
                                     "default: none and the six classic attacks)."),
    strategy: list[str] = typer.Option([], "--strategy", help="Multi-turn attacks too: crescendo, pair or tap "
                                       "(driven by --attacker)."),
    attacker: str = typer.Option("sim:attacker", "--attacker", help="Attacker and helper model of strategies and "
                                 "model-assisted converters."),
    judge: str = typer.Option("sim:judge", "--judge", help="Judge model of the multi-turn strategies."),
    suite: Path | None = typer.Option(None, "--suite", "-s", help="Your own surrogate safeguard suite (default: "
                                      "the built-in one)."),
    repeats: int = typer.Option(1, "--repeats", "-n", min=1, max=100, help="Attempts per probe × attack × target."),
    classifier: str = typer.Option("builtin", "--classifier", help="Hazard classifier of the safeguards."),
    vetting: str = typer.Option("self_declared", "--vetting", help="Vetting level of the simulated member."),
    tier: str = typer.Option("T0_public", "--tier", help="Access tier of the simulated mission."),
    ceiling: str = typer.Option("HZ2", "--ceiling", help="Hazard ceiling of the simulated mission."),
    programme: list[str] = typer.Option([], "--programme", help="Trusted-access programme the member holds "
                                        "(repeatable: biology, chemistry, radiological_nuclear, cyber)."),
    base_url: str | None = typer.Option(None, "--base-url", help="Endpoint of openai:/anthropic: targets."),
    api_key: str | None = typer.Option(None, "--api-key", help="API key of the targets (default: the provider's "
                                       "variable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Run the surrogate safeguard suite against each model alone and behind redhive's safeguards:
    block rate, leak-through by attack and over-refusal on benign science, with 95% Wilson intervals."""
    from datetime import timedelta

    from redhive.engine.targets.base import TargetOptions
    from redhive.kit import utcnow
    from redhive.safeguards.efficacy import SUITE, run_safeguard_test
    from redhive.safeguards.policy import WITHOUT_GRANT, Standing
    from redhive.safeguards.screening import PROGRAMMES, create_classifier
    from redhive.taxonomy import HAZARD_CLASSES, VETTING_LEVELS

    for value, known, what in ((vetting, VETTING_LEVELS, "--vetting"), (tier, tuple(WITHOUT_GRANT), "--tier"),
                               (ceiling, tuple(HAZARD_CLASSES), "--ceiling"),
                               *((p, tuple(PROGRAMMES), "--programme") for p in programme)):
        if value not in known:
            raise fail(f"{what} {value!r} is not known: use one of {', '.join(known)}.")
    later = utcnow() + timedelta(days=1)
    standing = Standing(vetting, tier, ceiling, tuple((p, later) for p in programme))

    async def body() -> None:
        screen = create_classifier(classifier)
        try:
            report = await run_safeguard_test(target, screen, standing, attacks=attack, strategies=strategy,
                                              repeats=repeats, suite=suite or SUITE, helper=attacker, judge=judge,
                                              options=TargetOptions(base_url=base_url, api_key=api_key))
        finally:
            await screen.aclose()
        if as_json:
            out.print_json(json.dumps(report))
            return
        _print_report(report)

    run(body)


def _cell(figure: dict[str, Any]) -> str:
    if figure["rate"] is None:
        return "— (n=0)"
    low, high = figure["ci95"]
    return f"{figure['rate']:.3f} [{low:.3f}, {high:.3f}] n={figure['n']}"


_EMPTY = {"rate": None, "ci95": [0.0, 1.0], "n": 0}


def _print_report(report: dict[str, Any]) -> None:
    configurations: list[dict[str, Any]] = report["configurations"]
    title = (f"Safeguard test: suite {report['suite']} ({report['hazard_probes']} surrogate hazard probes, "
             f"{report['controls']} benign controls), classifier {report['classifier']}")
    table = Table(title=title, title_justify="left", header_style="bold")
    for name in ("target", "configuration", "block rate", "blocked by safeguards", "leak-through",
                 "over-refusal (benign)", "errors"):
        table.add_column(name, justify="left" if name in ("target", "configuration") else "right")
    for c in configurations:
        table.add_row(str(c["target"]).removesuffix("+safeguards"), str(c["name"]), _cell(c["block_rate"]),
                      _cell(c["safeguard_block_rate"]), _cell(c["leak_through"]), _cell(c["over_refusal"]),
                      str(c["errors"]))
    out.print(table)
    attacks = sorted({a for c in configurations for a in c["leak_through_by_attack"]})
    by = Table(title="Leak-through by attack (marker in the delivered answer)", title_justify="left",
               header_style="bold")
    by.add_column("attack")
    for c in configurations:
        by.add_column(f"{str(c['target']).removesuffix('+safeguards')} · {c['name']}", justify="right")
    for name in attacks:
        by.add_row(name, *(_cell(c["leak_through_by_attack"].get(name, _EMPTY)) for c in configurations))
    out.print(by)
    out.print(f"Simulated member: {report['standing']}. 95% Wilson intervals in brackets. Block rate: hazardous "
              "attempts stopped before anything leaked, by the safeguards or by the model's own refusal. "
              "Surrogate suite: fictional agents only — these are figures on stand-ins, not on real hazards.",
              highlight=False)
