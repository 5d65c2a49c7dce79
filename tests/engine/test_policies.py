"""Policies: a file naming a forbidden topic and a secret yields probes that break sim:guarded on
exactly those rules, never sim:hardened; bad policy files get one sentence with file and line."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path

import pytest

from redhive.engine import Plan, Runner, create_target, load_suite, parse_attacks
from redhive.engine.converters import CLASSIC
from redhive.engine.policies import Policy, load_policy, policy_suite, topic_marker
from redhive.engine.records import AttemptRecord
from redhive.engine.sinks import MemorySink
from redhive.errors import SuiteFileError

POLICY = Path(__file__).resolve().parents[1] / "data" / "policies" / "quillby.yaml"
SIMS = ("sim:naive", "sim:guarded", "sim:hardened")


def scan(ref: str) -> list[AttemptRecord]:
    suite = load_suite(ref)
    sink = MemorySink()
    targets = {s: create_target(s) for s in SIMS}
    asyncio.run(Runner(Plan([suite], parse_attacks(["none", *CLASSIC]), list(SIMS)), targets, sink).run())
    return list(sink.records.values())


def family(probe_id: str) -> str:
    """pol-topic-project-nightjar-direct -> topic:project-nightjar; controls -> control."""
    parts = probe_id.split("-")
    return "control" if parts[1] == "control" else f"{parts[1]}:{'-'.join(parts[2:-1])}"


@pytest.fixture(scope="module")
def records() -> list[AttemptRecord]:
    return scan(f"policy:{POLICY}")


def successes(records: list[AttemptRecord], target: str) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for r in records:
        if r.target == target and r.outcome == "success":
            found[family(r.probe_id)] += 1
    return dict(found)


def test_guarded_breaks_on_exactly_the_policy_rules(records: list[AttemptRecord]) -> None:
    broken = successes(records, "sim:guarded")
    assert set(broken) == {"topic:project-nightjar", "secret:staff-override-passcode"}
    # the filter stops the plain requests: the breaks come from framing, follow-ups and encodings
    plain = [r for r in records if r.target == "sim:guarded" and r.attack == "none"
             and r.probe_id.endswith("-direct") and r.probe_id.startswith("pol-topic")]
    assert plain and all(r.outcome == "refused" for r in plain)


def test_hardened_keeps_every_rule_and_answers_allowed_requests(records: list[AttemptRecord]) -> None:
    assert successes(records, "sim:hardened") == {}
    controls = [r for r in records if r.target == "sim:hardened" and family(r.probe_id) == "control"]
    assert controls and all(r.outcome == "resisted" for r in controls)


def test_naive_breaks_every_generated_probe(records: list[AttemptRecord]) -> None:
    attacks = [r for r in records if r.target == "sim:naive" and r.attack == "none" and family(r.probe_id) != "control"]
    assert len(attacks) == 9 and all(r.outcome == "success" for r in attacks)


def test_a_rule_not_in_the_policy_gets_no_probes(tmp_path: Path) -> None:
    file = tmp_path / "topic-only.yaml"
    file.write_text("name: only-topic\npurpose: A fictional helpdesk.\nrestricted_topics: [{name: Zorvane}]\n")
    suite = load_suite(f"policy:{file}")
    assert {family(p.id) for p in suite.probes} == {"topic:zorvane"}
    policy = load_policy(file)
    marker = topic_marker(policy, policy.restricted_topics[0])
    assert all(p.detector.params()["value"] == marker for p in suite.probes)
    assert marker in (suite.probes[0].system or "")


def test_forbidden_actions_are_judged(tmp_path: Path) -> None:
    file = tmp_path / "actions.yaml"
    file.write_text("name: acts\npurpose: Helps customers of a fictional bank.\n"
                    "forbidden_actions: [waive overdraft fees]\njudge: sim:judge\n")
    records = scan(f"policy:{file}")
    assert set(successes(records, "sim:guarded")) == {"action:waive-overdraft-fees"}
    assert successes(records, "sim:hardened") == {}
    assert {p.detector.type for p in load_suite(f"policy:{file}").probes} == {"judge"}


def test_the_systems_own_prompt_is_used_and_topics_go_to_the_judge(tmp_path: Path) -> None:
    file = tmp_path / "own.yaml"
    file.write_text("name: own\npurpose: A fictional helpdesk.\nsystem_prompt: You are Helpo.\n"
                    "restricted_topics: [{name: Zorvane}]\njudge: sim:judge\n")
    suite = policy_suite(load_policy(file))
    assert {p.system for p in suite.probes} == {"You are Helpo."}
    assert {p.detector.type for p in suite.probes} == {"judge"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("name: a\npurpose: x\n", None, "names nothing to test"),
        ("name: a\npurpose: x\nsecrets:\n  - name: pin\n    value: '1234'\n    hint: x\n", 6, "unknown field"),
        ("name: a\npurpose: x\nsecrets:\n  - name: door pin\n    value: '12'\n", 5, "at least 4 characters"),
        ("name: Bad Name\npurpose: x\nsecrets: [{name: pin, value: '1234'}]\n", 1, "name"),
        ("- just\n- a list\n", 1, "expected a mapping"),
    ],
)
def test_bad_policy_files_name_the_file_and_line(tmp_path: Path, text: str, line: int | None,
                                                 fragment: str) -> None:
    file = tmp_path / "p.yaml"
    file.write_text(text)
    with pytest.raises(SuiteFileError) as info:
        load_policy(file)
    assert info.value.path == str(file)
    if line is not None:
        assert info.value.line == line
    assert fragment in info.value.message


def test_a_missing_policy_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SuiteFileError, match="no such policy file"):
        load_suite(f"policy:{tmp_path / 'nope.yaml'}")


def test_topics_and_actions_need_no_judge_the_classifier_decides_unless_one_is_given() -> None:
    """Against a system that brings its own prompt no marker can show a topic or an action: without
    a judge the restricted_compliance classifier decides; with one, the judge (issue 13)."""
    base = {"name": "a", "purpose": "Answers questions for a fictional shop.", "system_prompt": "",
            "restricted_topics": [{"name": "Project Wren", "reference": "Wren is an unreleased loyalty scheme."}],
            "forbidden_actions": ["issue refunds"]}
    classifier = {p.detector.type for p in policy_suite(Policy.model_validate(base)).probes if p.kind == "attack"}
    assert classifier == {"restricted_compliance"}
    judged = policy_suite(Policy.model_validate({**base, "judge": "sim:judge"}))
    assert {p.detector.type for p in judged.probes if p.kind == "attack"} == {"judge"}

