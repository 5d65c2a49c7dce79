"""Rich tables for run summaries (scan, demo, runs show)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # the service pulls in SQLAlchemy; `redhive --help` should not pay for it
    from redhive.runs.service import RateRow, RunSummary


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def rate_table(title: str, rows: list[RateRow], keys: list[str]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for key in keys:
        table.add_column(key.replace("_", " "))
    for name in ("n", "successes", "refused", "errors", "ASR", "95% CI"):
        table.add_column(name, justify="right")
    for row in rows:
        lo, hi = row.ci95
        style = "red" if row.successes else None
        table.add_row(*(row.key[k] for k in keys), str(row.scored), str(row.successes), str(row.refused),
                      str(row.errors + row.unscorable), pct(row.asr), f"{pct(lo)}–{pct(hi)}", style=style)
    return table


def print_summary(console: Console, summary: RunSummary, *, by_attack: bool = True) -> None:
    console.print(rate_table("Attack success by target and risk area", summary.categories,
                             ["target", "risk_area"]))
    if by_attack and len({r.key["attack"] for r in summary.attacks}) > 1:
        console.print(rate_table("Attack success by target and attack", summary.attacks, ["target", "attack"]))
    t = summary.totals
    lo, hi = t["ci95"]
    console.print(
        f"[bold]Run {summary.run['id']}[/] ({summary.run['status']}): {t['attempts']} of {t['planned']} attempts, "
        f"{t['successes']} successes, {t['refused']} refused, {t['resisted']} resisted, "
        f"{t['errors']} errors, {t['unscorable']} unscorable; ASR {pct(t['asr'])} "
        f"(95% CI {pct(lo)}–{pct(hi)}); tokens {t['input_tokens']} in / {t['output_tokens']} out.",
        highlight=False,
    )
