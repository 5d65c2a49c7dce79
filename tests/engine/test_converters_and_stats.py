"""Converters round-trip and compose; Wilson intervals match known values; suites from files."""

from __future__ import annotations

import base64
import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redhive.engine import load_suite, parse_attacks, wilson_interval
from redhive.engine.converters.encodings import LEET
from redhive.engine.stats import OutcomeCounts
from redhive.errors import InvalidInput, NotFound

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@given(text)
def test_base64_round_trip(payload: str) -> None:
    (chain,) = parse_attacks("base64")
    encoded = chain.convert(payload).split("\n\n", 1)[1]
    assert base64.b64decode(encoded).decode("utf-8") == payload


@given(text)
def test_rot13_round_trip(payload: str) -> None:
    (chain,) = parse_attacks("rot13")
    assert codecs.decode(chain.convert(payload).split("\n\n", 1)[1], "rot_13") == payload


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1))
def test_leetspeak_only_substitutes_lookalikes(payload: str) -> None:
    (chain,) = parse_attacks("leetspeak")
    out = chain.convert(payload)
    assert len(out) == len(payload)
    assert all(o == p or LEET.get(ord(p)) == o for o, p in zip(out, payload, strict=True))


@given(text)
def test_framings_keep_the_request(payload: str) -> None:
    for chain in parse_attacks(["roleplay", "prefix_injection", "refusal_suppression"]):
        assert payload in chain.convert(payload)


def test_chains_compose_left_to_right() -> None:
    (chain,) = parse_attacks("base64,roleplay")
    out = chain.convert("hello")
    assert chain.name == "base64,roleplay"
    assert out.startswith("Let's play a game") and base64.b64encode(b"hello").decode() in out


def test_attack_lists() -> None:
    names = [c.name for c in parse_attacks("all")]
    assert names[0] == "none" and {"base64", "rot13", "leetspeak", "roleplay", "prefix_injection",
                                   "refusal_suppression"} <= set(names)
    assert [c.name for c in parse_attacks(["none", "base64;none"])] == ["none", "base64"]
    with pytest.raises(NotFound, match="Did you mean 'rot13'"):
        parse_attacks("rot14")
    with pytest.raises(InvalidInput):
        parse_attacks("base64;")


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634),
                                                  (10, 10, 0.7225, 1.0), (1, 100, 0.0018, 0.0545)])
def test_wilson_interval_known_values(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson_interval(k, n)
    assert got[0] == pytest.approx(lo, abs=1e-4) and got[1] == pytest.approx(hi, abs=1e-4)


def test_errors_are_outside_the_rate() -> None:
    counts = OutcomeCounts(success=3, refused=5, resisted=2, unscorable=1, error=9)
    assert counts.attempts == 20 and counts.scored == 10 and counts.asr == 0.3
    assert OutcomeCounts().asr is None and OutcomeCounts().interval == (0.0, 1.0)


PROBE = {"id": "p1", "title": "t", "risk_area": "jailbreak", "owasp": "LLM01:2025", "atlas": "AML.T0054",
         "prompt": "hello {canary}", "detector": {"type": "canary", "value": "{canary}"}}


def test_user_suites_from_files(tmp_path: Path) -> None:
    jsonl = tmp_path / "my-probes.jsonl"
    jsonl.write_text(json.dumps(PROBE) + "\n\n" + json.dumps({**PROBE, "id": "p2"}) + "\n", encoding="utf-8")
    suite = load_suite(str(jsonl))
    assert suite.name == "my-probes" and [p.id for p in suite.probes] == ["p1", "p2"]
    assert suite.probes[0].prompts[0] == f"hello {suite.probes[0].canary}"
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "suite.yaml").write_text("name: mine\ndescription: d\n", encoding="utf-8")
    (folder / "a.yaml").write_text(json.dumps([PROBE]), encoding="utf-8")
    assert load_suite(str(folder)).name == "mine"


def test_core_suite_floor_and_taxonomy() -> None:
    suite = load_suite("core")
    assert len(suite.probes) >= 120
    areas = {p.risk_area for p in suite.probes}
    assert areas == {"system_prompt_leakage", "sensitive_information", "prompt_injection_direct",
                     "prompt_injection_indirect", "jailbreak", "misinformation", "bias", "over_refusal"}
    for probe in suite.probes:
        assert probe.owasp.endswith(":2025") and probe.atlas.startswith("AML.T") and probe.hazard.startswith("HZ")
