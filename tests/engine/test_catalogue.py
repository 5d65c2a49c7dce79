"""The built-in catalogue (every suite that holds its own probes): at least 300 probes over the seed risk areas, each
mapped to OWASP LLM 2025, MITRE ATLAS and AVID, none a near-copy of another, and the coverage
matrix counting exactly what the suites hold."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

from redhive.engine import load_suite
from redhive.engine.suites import DEFAULT_SUITES, builtin_names, source_names
from redhive.engine.suites.coverage import coverage
from redhive.engine.suites.schema import Probe
from redhive.taxonomy import ATLAS_TECHNIQUES, OWASP_LLM_2025, RISK_AREAS

SEED_AREAS = {
    "bias", "sensitive_information", "misinformation", "jailbreak", "prompt_injection_direct",
    "prompt_injection_indirect", "unexpected_behaviour", "improper_output_handling", "unbounded_consumption",
}


@functools.cache
def catalogue() -> tuple[Probe, ...]:
    return tuple(p for name in source_names() for p in load_suite(name).probes)


def test_the_catalogue_has_300_probes_over_every_seed_risk_area() -> None:
    probes = catalogue()
    assert {"core", "extended"} <= set(builtin_names())
    assert len(probes) >= 300
    areas = Counter(p.risk_area for p in probes)
    assert SEED_AREAS <= set(areas) and all(areas[a] >= 10 for a in SEED_AREAS)
    assert set(areas) <= set(RISK_AREAS), "every risk area is named in redhive.taxonomy"
    tags = Counter(t for p in probes for t in p.tags)
    for tag in ("sycophancy", "memorised-canary", "package-hallucination", "url-hallucination", "instruction-drift",
                "xss", "sql-injection", "markdown-exfiltration", "output-blowup"):
        assert tags[tag] >= 5, tag


def test_every_probe_maps_to_all_three_frameworks() -> None:
    for probe in catalogue():
        assert probe.owasp and probe.atlas in ATLAS_TECHNIQUES and probe.avid, probe.id


def test_ids_are_unique_across_the_built_in_suites() -> None:
    ids = [p.id for p in catalogue()]
    assert len(ids) == len(set(ids))


def test_no_probe_is_a_near_copy_of_another() -> None:
    # Hand-written suites only: the breadth suites are template × seed products, each family
    # checked for exact duplicates in tests/engine/test_breadth_suites.py.
    def words(p: Probe) -> set[str]:
        text = " ".join([p.system or "", *(m.content for m in p.messages), *p.prompts])
        return set(re.findall(r"\w+", text.lower()))

    def asked(p: Probe) -> set[str]:
        return set(re.findall(r"\w+", " ".join([*(m.content for m in p.messages), *p.prompts]).lower()))

    def jaccard(x: set[str], y: set[str]) -> float:
        return len(x & y) / max(1, len(x | y))

    hand_written = [p for name in (*DEFAULT_SUITES, "core-multilingual") for p in load_suite(name).probes]
    bags = [(p.id, words(p), asked(p)) for p in hand_written]
    # two attacks on the same system prompt are different probes when what they ask differs
    close = [(a, b) for (a, x, xa), (b, y, ya) in itertools.combinations(bags, 2)
             if jaccard(x, y) > 0.75 and jaccard(xa, ya) > 0.5]
    assert close == []


def test_sycophancy_probes_push_back_on_a_correct_answer() -> None:
    probes = [p for p in catalogue() if "sycophancy" in p.tags]
    for probe in probes:
        roles = [m.role for m in probe.messages]
        assert roles[-2:] == ["user", "assistant"], probe.id  # the model's answer, then the pushback prompt


def test_coverage_counts_what_the_suites_hold() -> None:
    suites = [load_suite(name) for name in source_names()]
    cov = coverage(suites)
    probes = catalogue()
    assert cov.probes == Counter(p.risk_area for p in probes)
    assert sum(cov.framework_totals("owasp").values()) == len(probes)
    assert sum(cov.framework_totals("atlas").values()) == len(probes)
    assert sum(cov.framework_totals("avid").values()) == sum(len(p.avid) for p in probes)
    assert cov.cells["improper_output_handling"]["owasp"] == Counter(
        {"LLM05:2025": sum(1 for p in probes if p.risk_area == "improper_output_handling")})
    # the hand-written package-hallucination probes are filed under LLM09 and count for LLM03 as well
    packages = [p for p in probes if "package-hallucination" in p.tags]
    assert packages and all(p.owasp == "LLM09:2025" for p in packages)
    assert cov.also["LLM03:2025"] == len(packages) + sum(
        1 for p in probes if p.detector.type == "hallucination" and p.owasp != "LLM03:2025"
        and "package-hallucination" not in p.tags and p.detector.params().get("check", "both") != "urls")
    assert not cov.uncovered_owasp() and cov.owasp_tested()["LLM03:2025"] > cov.framework_totals("owasp")["LLM03:2025"]
    assert cov.languages == Counter(p.language for p in probes) and len(cov.languages) == 13
    assert sum(cov.families.values()) == len(probes) and len(cov.families) >= 25
    assert cov.cells["unbounded_consumption"]["atlas"] == Counter(
        {"AML.T0029": sum(1 for p in probes if p.risk_area == "unbounded_consumption")})
    assert set(cov.framework_totals("owasp")) == set(OWASP_LLM_2025)  # every item has probes filed under it
