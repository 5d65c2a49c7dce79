"""Charts of agent-run reports: the Kaplan–Meier steps-to-first-violation curves with their 95 %
bands, and the headline rates with Wilson intervals (matplotlib, inline SVG)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from markupsafe import Markup

from redhive.reports.charts import _svg

_COLOURS = ("#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#f1c40f")
RATES = (("benign_utility", "benign utility"), ("utility_under_attack", "utility under attack"),
         ("targeted_asr", "targeted ASR"), ("side_effect_rate", "side-effect rate"),
         ("forbidden_action_rate", "forbidden-action rate"), ("goal_drift", "goal drift"))


def _steps(curve: dict[str, Any], end: float) -> tuple[list[float], list[float], list[float], list[float]]:
    """The step function from t = 0 (S = 1) through every event time to `end`."""
    t, s, lo, hi = [0.0], [1.0], [1.0], [1.0]
    for p in curve["points"]:
        t.append(float(p["t"]))
        s.append(p["survival"])
        lo.append(p["lower"])
        hi.append(p["upper"])
    t.append(max(end, t[-1]))
    s.append(s[-1])
    lo.append(lo[-1])
    hi.append(hi[-1])
    return t, s, lo, hi


def survival_chart(groups: list[tuple[str, dict[str, Any]]], max_steps: int) -> Markup:
    """One Kaplan–Meier curve per group (label, steps_to_first_violation dict), with its band."""
    groups = [(label, c) for label, c in groups if c["n"]][: len(_COLOURS)]
    if not groups:
        return Markup("")
    fig, ax = plt.subplots(figsize=(8, 4.4 + 0.18 * len(groups)), layout="constrained")
    for (label, curve), colour in zip(groups, _COLOURS, strict=False):
        t, s, lo, hi = _steps(curve, float(max_steps))
        ax.step(t, s, where="post", color=colour, linewidth=1.8,
                label=f"{label} (n={curve['n']}, {curve['events']} violations)")
        ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, max(max_steps, 1))
    ax.set_xlabel("model turn (step)")
    ax.set_ylabel("share of episodes without a violation")
    ax.set_title("Steps to first violation: Kaplan–Meier estimate, 95% log-log bands", fontsize=10, loc="left")
    ax.grid(alpha=0.3)
    fig.legend(fontsize=7, ncol=2, loc="outside lower center")
    return _svg(fig)


def rate_chart(rows: list[tuple[str, dict[str, Any]]]) -> Markup:
    """Grouped horizontal bars: each headline rate per group, with 95 % Wilson intervals."""
    rows = rows[: len(_COLOURS)]
    if not rows:
        return Markup("")
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.32 * len(RATES) * len(rows)), layout="constrained")
    height = 0.8 / len(rows)
    for g, ((label, metrics), colour) in enumerate(zip(rows, _COLOURS, strict=False)):
        ys, values, lower, upper = [], [], [], []
        for i, (key, _) in enumerate(RATES):
            rate = metrics[key]
            value = rate["rate"] or 0.0
            ys.append(i + g * height)
            values.append(value)
            lower.append(max(0.0, value - rate["ci95"][0]))
            upper.append(max(0.0, rate["ci95"][1] - value))
        ax.barh(ys, values, height=height * 0.9, xerr=[lower, upper], color=colour, alpha=0.85, ecolor="#333",
                capsize=2, label=label)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(RATES))], [name for _, name in RATES], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("rate (95% Wilson interval)")
    ax.set_title("Headline agent metrics", fontsize=10, loc="left")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(fontsize=7, ncol=2, loc="outside lower center")
    return _svg(fig)
