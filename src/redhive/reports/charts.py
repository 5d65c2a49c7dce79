"""Charts for reports, drawn with matplotlib and embedded as inline SVG."""

from __future__ import annotations

import io

import matplotlib
from markupsafe import Markup

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from redhive.runs.service import RateRow  # noqa: E402

_RED = "#c0392b"


def asr_bars(rows: list[RateRow], label_keys: list[str], title: str) -> Markup:
    """Horizontal bars of attack-success rate with 95 % Wilson intervals as error bars."""
    rows = [r for r in rows if r.scored][:40]
    if not rows:
        return Markup("")
    labels = [" · ".join(r.key[k] for k in label_keys) for r in rows]
    rates = [r.asr or 0.0 for r in rows]
    lower = [rate - r.ci95[0] for rate, r in zip(rates, rows, strict=True)]
    upper = [r.ci95[1] - rate for rate, r in zip(rates, rows, strict=True)]
    height = 0.9 + 0.28 * len(rows)
    fig, ax = plt.subplots(figsize=(8, height), layout="constrained")
    ax.barh(range(len(rows)), rates, xerr=[lower, upper], color=_RED, alpha=0.8, ecolor="#333",
            capsize=2, height=0.6)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("attack-success rate (95% Wilson interval)")
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def outcome_stack(rows: list[RateRow], label_keys: list[str], title: str) -> Markup:
    """Stacked bars of the five outcomes, so errors and unscorable attempts stay visible."""
    if not rows:
        return Markup("")
    labels = [" · ".join(r.key[k] for k in label_keys) for r in rows]
    parts = [("successes", _RED), ("refused", "#2e86c1"), ("resisted", "#27ae60"),
             ("unscorable", "#f1c40f"), ("errors", "#7f8c8d")]
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.3 * len(rows)), layout="constrained")
    left = [0.0] * len(rows)
    for name, colour in parts:
        values = [getattr(r, name) / r.attempts if r.attempts else 0.0 for r in rows]
        ax.barh(range(len(rows)), values, left=left, color=colour, label=name, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of attempts")
    ax.set_title(title, fontsize=10, loc="left")
    fig.legend(fontsize=7, ncol=5, loc="outside lower center")
    return _svg(fig)


def _svg(fig: Figure) -> Markup:
    """The figure as inline SVG, the one markup a report trusts: matplotlib writes every label
    (target names, risk areas) as escaped XML text or as glyph paths."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return Markup(svg[svg.index("<svg"):])
