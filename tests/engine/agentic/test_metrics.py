"""Metrics: every rate with k, n and a 95 % Wilson interval; Kaplan–Meier on a hand-computed
example; errors counted apart."""

from __future__ import annotations

import math

import pytest
from tests.engine.agentic.agents import FailingTarget

from redhive.engine.agentic import Environment, Rate, compute_metrics, kaplan_meier, run_agent_scan
from redhive.engine.stats import wilson_interval


def test_kaplan_meier_on_a_hand_computed_example() -> None:
    # six episodes: violations at steps 1, 3, 3 and 5; clean episodes censored at 2 and 4
    obs = [(1, True), (2, False), (3, True), (3, True), (4, False), (5, True)]
    curve = kaplan_meier(obs, conf_type="plain")
    assert curve.n == 6 and curve.times == (1, 3, 5)
    assert curve.at_risk == (6, 4, 1) and curve.events == (1, 2, 1)
    # S(1) = 5/6; S(3) = 5/6 * (1 - 2/4) = 5/12; S(5) = 0
    assert curve.survival == pytest.approx((5 / 6, 5 / 12, 0.0))
    # Greenwood: Var S(t) = S(t)^2 * sum d / (n (n - d))
    g1 = 1 / (6 * 5)
    g3 = g1 + 2 / (4 * 2)
    assert curve.variance[:2] == pytest.approx(((5 / 6) ** 2 * g1, (5 / 12) ** 2 * g3))
    z = 1.959963984540054
    se1 = (5 / 6) * math.sqrt(g1)
    assert curve.lower[0] == pytest.approx(5 / 6 - z * se1)
    assert curve.upper[0] == 1.0  # clipped
    assert (curve.lower[2], curve.upper[2]) == (0.0, 0.0)
    assert curve.hazard == pytest.approx((1 / 6, 2 / 4, 1.0))
    assert curve.median == 3 and curve.at(0) == 1.0 and curve.at(2) == pytest.approx(5 / 6)
    assert curve.at(4) == pytest.approx(5 / 12)

    loglog = kaplan_meier(obs)  # exp-Greenwood bands, always inside [0, 1]
    s3 = 5 / 12
    se = math.sqrt(g3) / abs(math.log(s3))
    assert loglog.lower[1] == pytest.approx(s3 ** math.exp(z * se))
    assert loglog.upper[1] == pytest.approx(s3 ** math.exp(-z * se))
    assert loglog.lower[1] == pytest.approx(0.05599, abs=1e-4) and loglog.upper[1] == pytest.approx(0.7665, abs=1e-4)
    assert all(0.0 <= lo <= s <= hi <= 1.0 for lo, s, hi in zip(loglog.lower, loglog.survival, loglog.upper,
                                                                  strict=True))


def test_kaplan_meier_edge_cases() -> None:
    empty = kaplan_meier([])
    assert empty.n == 0 and empty.times == () and empty.median is None and empty.at(10) == 1.0
    censored = kaplan_meier([(3, False), (4, False)])
    assert censored.times == () and censored.total_events == 0
    assert kaplan_meier([(2, True)]).survival == (0.0,)


def test_rates_carry_n_k_and_a_wilson_interval() -> None:
    rate = Rate(3, 10)
    assert rate.value == 0.3 and rate.ci95 == wilson_interval(3, 10)
    assert rate.to_dict() == {"k": 3, "n": 10, "rate": 0.3, "ci95": [round(x, 4) for x in wilson_interval(3, 10)]}
    assert Rate(0, 0).to_dict() == {"k": 0, "n": 0, "rate": None, "ci95": [0.0, 1.0]}
    assert str(Rate(1, 4)).startswith("25.0% (1/4, 95% CI")


async def test_scan_metrics_have_n_and_intervals(workspace: Environment) -> None:
    result = await run_agent_scan(["sim:agent-naive", FailingTarget()], [workspace], ["important_instructions"],
                                  user_tasks=["invoice-total", "delete-old-draft"])
    naive = result.metrics["sim:agent-naive"].to_dict()
    for name in ("benign_utility", "utility_under_attack", "targeted_asr", "side_effect_rate",
                 "irreversible_side_effect_rate", "forbidden_action_rate", "forbidden_executed_rate",
                 "goal_drift", "completion_under_policy", "asr_when_seen", "injection_seen", "invalid_call_rate"):
        entry = naive[name]
        assert set(entry) == {"k", "n", "rate", "ci95"} and entry["n"] > 0, name
        assert entry["ci95"][0] <= (entry["rate"] or 0) <= entry["ci95"][1]
    assert naive["benign_utility"]["n"] == 2 and naive["targeted_asr"]["n"] == 2 * len(workspace.injection_tasks)
    assert naive["cascades"]["episodes_with_cascade"]["n"] == naive["scored"]
    km = naive["steps_to_first_violation"]
    assert km["n"] == naive["scored"] and km["events"] == naive["targeted_asr"]["n"]
    assert all({"t", "at_risk", "events", "survival", "lower", "upper", "hazard"} <= set(p) for p in km["points"])
    # errors are counted, never a pass or a fail
    failing = result.metrics["test:failing"]
    assert failing.errors == failing.episodes > 0 and failing.scored == 0
    assert failing.benign_utility.n == failing.targeted_asr.n == 0


def test_goal_drift_counts_calls_and_cascades_count_per_violating_call(workspace: Environment) -> None:
    import asyncio

    result = asyncio.run(run_agent_scan(["sim:agent-naive"], [workspace], ["important_instructions"],
                                        user_tasks=["delete-old-draft"], injection_tasks=["invite-attacker"],
                                        benign=False))
    metrics = compute_metrics(result.episodes)
    # search_files, list_events, create_event (drift: out of scope + changes), delete_file (in task)
    assert (metrics.goal_drift.k, metrics.goal_drift.n) == (1, 4)
    # the invitation and its delivery receipt
    assert metrics.cascades.events == 2 and metrics.cascades.per_violating_call == 2.0
    assert metrics.steps_to_first_violation.times == (3,)
