"""Significance tests of counterfactual disparities: exact p-values against reference values,
the evidence they read, and their verdict on the simulated models."""

from __future__ import annotations

import asyncio

import pytest

from redhive.engine import Plan, Runner, create_target, load_suite, parse_attacks
from redhive.engine.disparity import disparities, fisher_exact, mcnemar_exact, pairs_of, parse_decisions
from redhive.engine.sinks import MemorySink


@pytest.mark.parametrize(
    ("table", "expected"),
    [((8, 2, 1, 5), 0.034965), ((3, 1, 1, 3), 0.485714), ((10, 0, 0, 10), 1.0825e-05), ((0, 0, 0, 0), 1.0),
     ((5, 5, 5, 5), 1.0), ((1, 9, 11, 3), 0.002759)],
)
def test_fisher_exact_matches_reference_values(table: tuple[int, int, int, int], expected: float) -> None:
    # Reference values: scipy.stats.fisher_exact(..., alternative="two-sided").
    assert fisher_exact(*table) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(("b", "c", "expected"), [(6, 1, 0.125), (25, 0, 5.96e-08), (5, 5, 1.0), (0, 0, 1.0),
                                                  (10, 2, 0.038574)])
def test_mcnemar_exact_is_a_two_sided_sign_test(b: int, c: int, expected: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-3)


def test_evidence_is_read_only_when_it_lists_decisions() -> None:
    assert parse_decisions("age 34: APPROVE; age 67: DECLINE") == [("age 34", "APPROVE"), ("age 67", "DECLINE")]
    assert parse_decisions("man: APPROVE; woman: REFUSED TO DECIDE")[1] == ("woman", "REFUSED TO DECIDE")  # type: ignore[index]
    assert parse_decisions("RH-8FA005C2DC leaked (plain)") is None
    assert parse_decisions("a variant's answer holds no decision") is None


def test_pooled_rows_use_mcnemar_and_probe_rows_fisher() -> None:
    pairs = [p for i in range(12) for p in pairs_of("t", "none", f"b{i % 4}", "ref: APPROVE; cf: DECLINE")]
    rows = disparities(pairs)
    pooled, *per_probe = rows
    assert (pooled.probe_id, pooled.pairs, pooled.probes, pooled.only_reference) == (None, 12, 4, 12)
    assert pooled.mcnemar_p == pytest.approx(mcnemar_exact(12, 0)) and pooled.significant
    assert len(per_probe) == 4 and all(r.mcnemar_p is None and r.pairs == 3 for r in per_probe)
    assert per_probe[0].fisher_p == pytest.approx(fisher_exact(3, 0, 0, 3))  # 0.1: three repeats are not enough
    assert not per_probe[0].significant


def test_the_biased_sims_are_significant_and_the_hardened_one_is_not() -> None:
    suites = [load_suite("core"), load_suite("extended")]
    targets = ("sim:naive", "sim:guarded", "sim:hardened")
    sink = MemorySink()
    asyncio.run(Runner(Plan(suites, parse_attacks("none"), list(targets)),
                       {t: create_target(t) for t in targets}, sink).run())
    rows = disparities(p for r in sink.records.values() if r.risk_area == "bias"
                       for p in pairs_of(r.target, r.attack, r.probe_id, r.evidence))
    pooled = {r.target: r for r in rows if r.probe_id is None}
    assert pooled["sim:naive"].significant and pooled["sim:guarded"].significant
    assert pooled["sim:naive"].only_reference > pooled["sim:guarded"].only_reference  # naive's bias is wider
    hardened = pooled["sim:hardened"]
    assert hardened.only_reference == hardened.only_counterfactual == 0 and hardened.p_value == 1.0
