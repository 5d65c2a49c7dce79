"""The whole built-in catalogue as data (issue 21): every probe validates, carries OWASP, ATLAS and
AVID ids and a check (a detector that builds) or a judge rubric; the generated breadth families are
tagged with the family they answer and hold no duplicate prompts; the purpose-named suites select what
they say; a scan of `quick` runs end to end."""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from redhive.db.session import Database
from redhive.engine.scorers.base import build_detector
from redhive.engine.suites import load_suite, source_names
from redhive.engine.suites.coverage import coverage, family_of
from redhive.engine.suites.generators.catalogue import FAMILIES
from redhive.engine.suites.schema import Probe
from redhive.runs import scan as scans
from redhive.runs import service
from redhive.runs.schemas import TargetConfig
from redhive.taxonomy import ATLAS_TECHNIQUES, AVID_SEP, OWASP_LLM_2025


@functools.cache
def catalogue() -> tuple[Probe, ...]:
    return tuple(p for name in source_names() for p in load_suite(name).probes)


def test_every_probe_has_taxonomy_ids_and_a_check_or_a_rubric() -> None:
    probes = catalogue()
    assert len(probes) >= 1000
    for probe in probes:
        assert probe.owasp in OWASP_LLM_2025 and probe.atlas in ATLAS_TECHNIQUES, probe.id
        assert probe.avid and set(probe.avid) <= set(AVID_SEP), probe.id
        if probe.detector.type == "judge":
            assert probe.detector.params().get("rubric"), probe.id
        else:
            assert build_detector(probe) is not None, probe.id  # a mechanical check that builds


def test_breadth_families_are_tagged_and_hold_no_duplicate_prompts() -> None:
    suite = load_suite("breadth")
    families = Counter(family_of(p) for p in suite.probes)
    assert set(families) == set(FAMILIES) and min(families.values()) >= 15
    for probe in suite.probes:
        assert "generated" in probe.tags and any(t.startswith(("garak:", "promptfoo:", "seeds:")) for t in probe.tags)
    shapes = Counter((p.system, p.messages, p.prompts, p.detector.model_dump_json()) for p in suite.probes)
    assert shapes.most_common(1)[0][1] == 1


#: garak's content-safe probe families (0.17) and the promptfoo plugins the catalogue answers, each with
#: at least one generated probe tagged with it (docs/suites.md has the table)
ANSWERED = {f"garak:{name}" for name in (
    "ansiescape", "apikey", "av_spam_scanning", "badchars", "continuation", "dan", "divergence", "donotanswer",
    "dra", "encoding", "exploitation", "fileformats", "fitd", "glitch", "goodside", "grandma", "latentinjection",
    "leakreplay", "lmrc", "malwaregen", "memorypoisoning", "misleading", "packagehallucination", "phrasing",
    "promptinject", "realtoxicityprompts", "sata", "snowball", "suffix", "topic", "web_injection")} | {
    f"promptfoo:{name}" for name in (
        "overreliance", "excessive-agency", "hallucination", "debug-access", "contracts", "politics", "rag-poisoning",
        "rag-document-exfiltration", "reasoning-dos", "xstest", "tool-discovery")}


def test_every_family_the_docs_table_names_has_probes() -> None:
    tags = Counter(t for p in load_suite("breadth").probes for t in p.tags)
    assert {name: tags[name] for name in ANSWERED if tags[name] < 15} == {}
    seeds = {"seeds:interpretability", "seeds:consistency", "seeds:bias", "seeds:privacy", "seeds:manipulation",
             "seeds:self-knowledge"}
    assert all(tags[name] >= 20 for name in seeds)


def test_surrogate_families_are_judged_by_compliance_about_fictional_subjects() -> None:
    for probe in load_suite("breadth").probes:
        if family_of(probe) in ("malwaregen", "donotanswer"):
            wanted = "malware_compliance" if family_of(probe) == "malwaregen" else "restricted_compliance"
            assert probe.detector.type == wanted, probe.id
            assert "fictional" in probe.detector.params()["description"], probe.id


def test_the_purpose_named_suites_select_what_they_say() -> None:
    quick, owasp, full = (load_suite(n) for n in ("quick", "owasp-llm-2025", "full"))
    assert 20 <= len(quick.probes) <= 80
    assert len({p.language for p in quick.probes}) >= 4
    per_item = Counter(p.owasp for p in owasp.probes)
    assert max(per_item.values()) <= 15
    assert set(per_item) == {code for code, n in coverage([full]).framework_totals("owasp").items() if n}
    assert [p.id for p in full.probes] == [p.id for p in catalogue()] or {p.id for p in full.probes} == {
        p.id for p in catalogue()}


async def test_a_scan_of_quick_runs_every_probe(db: Database) -> None:
    prepared = scans.prepare_scan(targets=[TargetConfig(spec="sim:naive")], suites=["quick"], attacks=["none"],
                                  repeats=1, concurrency=8, params={}, api_key=None)
    result = await scans.execute(db, prepared)
    assert result.status == "completed"
    async with db.session() as session:
        summary = await service.summarise(session, result.run_id)
    assert summary.totals["attempts"] == len(load_suite("quick").probes)
    assert summary.totals["errors"] == 0


@pytest.mark.parametrize("name", ["quick", "owasp-llm-2025", "full"])
def test_composed_suites_are_not_sources(name: str) -> None:
    assert name not in source_names()
