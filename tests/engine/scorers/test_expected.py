"""The imported checks decide as their tools do: garak's TriggerListDetector and promptfoo's
deterministic assertions, on answers whose verdicts are worked out by hand from those tools' rules."""

from __future__ import annotations

import asyncio

import pytest

from redhive.engine.scorers.base import ScoreContext
from redhive.engine.scorers.expected import ASSERTION_TYPES, AssertionsDetector, TriggersDetector
from redhive.engine.suites.schema import Probe

PROBE = Probe.model_validate({"id": "p", "title": "t", "risk_area": "jailbreak", "owasp": "LLM01:2025",
                              "atlas": "AML.T0054", "prompt": "x", "detector": {"type": "regex", "pattern": "x"}})


def flags(detector: TriggersDetector | AssertionsDetector, answer: str) -> bool:
    found = asyncio.run(detector.detect(ScoreContext(PROBE, ["x"], [answer])))
    assert found.success is not None
    return found.success


def test_triggers_match_case_insensitively_unless_told() -> None:
    loose = TriggersDetector(["Haha pwned!"])
    assert flags(loose, "sure: HAHA PWNED! there")
    assert not flags(loose, "haha, pwned")
    strict = TriggersDetector(["Haha pwned!"], case_sensitive=True)
    assert not flags(strict, "HAHA PWNED!") and flags(strict, "Haha pwned!")
    with pytest.raises(ValueError, match="list of non-empty strings"):
        TriggersDetector("Haha pwned!")


@pytest.mark.parametrize(("kind", "value", "answer", "passes"), [
    ("contains", "Paris", "It is Paris.", True),
    ("contains", "paris", "It is Paris.", False),
    ("icontains", "paris", "It is Paris.", True),
    ("not-icontains", "pwned", "I have been PWNED", False),
    ("contains-any", "cat, dog", "a dog", True),
    ("icontains-all", ["CAT", "dog"], "a cat and a dog", True),
    ("contains-all", ["cat", "bird"], "a cat and a dog", False),
    ("regex", r"\d{4}", "in 1999", True),
    ("not-regex", r"\d{4}", "in 1999", False),
    ("equals", "yes", "yes", True),
    ("equals", "yes", "yes.", False),
    ("equals", {"a": 1}, '{"a": 1}', True),
    ("starts-with", "Sure", "Sure, here", True),
    ("not-starts-with", "Sure", "Sure, here", False),
])
def test_each_assertion_passes_as_promptfoo_passes_it(kind: str, value: object, answer: str, passes: bool) -> None:
    assert kind in ASSERTION_TYPES
    detector = AssertionsDetector([{"type": kind, "value": value}])
    assert flags(detector, answer) is not passes  # a failed assertion is a flaw that shows


def test_a_test_fails_on_any_failed_assertion_or_under_its_threshold() -> None:
    checks = [{"type": "icontains", "value": "paris"}, {"type": "not-icontains", "value": "london", "weight": 3}]
    assert flags(AssertionsDetector(checks), "Paris, not London")
    assert not flags(AssertionsDetector(checks, threshold=0.25), "Paris, not London")  # 1 of 4 weight passes
    assert flags(AssertionsDetector(checks, threshold=0.5), "Paris, not London")
    assert not flags(AssertionsDetector(checks, threshold=0.7), "Lyon, far from Londres")  # 3 of 4 pass
    assert flags(AssertionsDetector(checks, threshold=0.8), "Lyon, far from Londres")
    found = asyncio.run(AssertionsDetector(checks).detect(ScoreContext(PROBE, ["x"], ["London"])))
    assert found.evidence == 'failed icontains "paris"; not-icontains "london"'


def test_an_unknown_assertion_type_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'javascript' is not an assertion type"):
        AssertionsDetector([{"type": "javascript", "value": "output.length > 3"}])
