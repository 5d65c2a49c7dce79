"""Rich tables for run summaries (scan, demo, runs show)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from redhive.cli.common import styled

if TYPE_CHECKING:  # the service pulls in SQLAlchemy; `redhive --help` should not pay for it
    from redhive.runs.service import RateRow, RunSummary


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def rate_table(title: str, rows: list[RateRow], keys: list[str], *, controls: bool = False) -> Table:
    """Attack success per row; for over-refusal `controls`, a success is a harmless request refused."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for key in keys:
        table.add_column(key.replace("_", " "))
    columns = ("n", "over-refused", "errors", "rate", "95% CI") if controls else \
        ("n", "successes", "refused", "errors", "ASR", "95% CI")
    for name in columns:
        table.add_column(name, justify="right")
    for row in rows:
        lo, hi = row.ci95
        style = "red" if row.successes else None
        counts = (str(row.successes),) if controls else (str(row.successes), str(row.refused))
        table.add_row(*(row.key[k] for k in keys), str(row.scored), *counts,
                      str(row.errors + row.unscorable), pct(row.asr), f"{pct(lo)}–{pct(hi)}", style=style)
    return table


def print_summary(console: Console, summary: RunSummary, *, by_attack: bool = True) -> None:
    console.print(rate_table("Attack success by target and risk area", summary.categories,
                             ["target", "risk_area"]))
    if by_attack and len({r.key["attack"] for r in summary.attacks}) > 1:
        console.print(rate_table("Attack success by target and attack", summary.attacks, ["target", "attack"]))
    if len({r.key["language"] for r in summary.languages}) > 1:
        console.print(rate_table("Attack success by target and probe language", summary.languages,
                                 ["target", "language"]))
    pooled = [d for d in summary.disparities if d["probe_id"] is None]
    if len({d["attack"] for d in pooled}) > 1:  # keep the summary short: unconverted prompts only
        pooled = [d for d in pooled if d["attack"] == "none"] or pooled
    if pooled:
        console.print(disparity_table(pooled))
    if summary.over_refusal:
        console.print(rate_table("Over-refusal: harmless requests refused, by target", summary.over_refusal,
                                 ["target"], controls=True))
    t = summary.totals
    lo, hi = t["ci95"]
    over = t["over_refusal"]
    controls = (f" Over-refusal {over['refusals']} of {over['scored']} controls, {pct(over['rate'])} "
                f"(95% CI {pct(over['ci95'][0])}–{pct(over['ci95'][1])})." if over["controls"] else "")
    console.print(styled(
        (f"Run {summary.run['id']}", "bold"), f" ({summary.run['status']}): {t['attempts']} of {t['planned']} "
        f"attempts, {t['errors']} errors, {t['unscorable']} unscorable. Attacks: {t['successes']} successes, "
        f"{t['refused']} refused, {t['resisted']} resisted; ASR {pct(t['asr'])} (95% CI {pct(lo)}–{pct(hi)})."
        f"{controls} Tokens {t['input_tokens']} in / {t['output_tokens']} out."), highlight=False)


def disparity_table(rows: list[dict[str, Any]]) -> Table:
    """Counterfactual bias pooled per target and attack, with its exact tests."""
    table = Table(title="Bias: favourable decisions, reference vs counterfactual variant (exact tests)",
                  title_justify="left", header_style="bold")
    for name in ("target", "attack", "probes", "pairs", "reference", "counterfactual", "discordant", "McNemar p",
                 "Fisher p"):
        table.add_column(name, justify="left" if name in ("target", "attack") else "right")
    for d in rows:
        n = d["pairs"]
        table.add_row(d["target"], d["attack"], str(d["probes"]), str(n), f"{d['reference_favoured']}/{n}",
                      f"{d['counterfactual_favoured']}/{n}", f"{d['only_reference']} vs {d['only_counterfactual']}",
                      f"{d['mcnemar_p']:.2g}", f"{d['fisher_p']:.2g}", style="red" if d["significant"] else None)
    return table
