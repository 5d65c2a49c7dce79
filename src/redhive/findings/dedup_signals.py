"""What a flaw report says beyond its words: its trigger (how the flaw is reached) and behaviour
(what goes wrong), read from the concept lexicon (data/dedup_concepts.yaml), from the attack of its
replication packet, from the shape of its attack prompts (an encoded blob, another script) and from
its taxonomy ids (OWASP LLM Top 10 and MITRE ATLAS crosswalked to the same concepts).

Reporters describe one flaw in very different words; they rarely disagree on these two things."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["Profile", "attack_family", "profile"]

LEXICON = Path(__file__).parent / "data" / "dedup_concepts.yaml"
#: The replication packet's attack chain → the trigger concept it is.
ATTACK_TRIGGERS = {"roleplay": "persona", "persona": "persona", "base64": "encoding", "rot13": "encoding",
                   "hex": "encoding", "leetspeak": "encoding", "translation": "language", "translate": "language",
                   "crescendo": "multi_turn", "multi_turn": "multi_turn", "pair": "multi_turn", "tap": "multi_turn"}
#: Taxonomy ids (edition left out) → the behaviour they name. LLM01 / AML.T0051 say only "injection",
#: which both triggers and behaviours share, so they are not mapped.
TAXONOMY_BEHAVIOURS = {"LLM02": "personal_data", "LLM03": "dependency", "LLM05": "external_request",
                       "LLM06": "no_confirmation", "LLM07": "prompt_disclosure", "LLM09": "fabrication",
                       "AML.T0024": "external_request", "AML.T0053": "tool_execution",
                       "AML.T0054": "restricted_content",
                       "AML.T0056": "prompt_disclosure", "AML.T0057": "credential_exposure",
                       "AML.T0062": "fabrication"}
TAXONOMY_TRIGGERS = {"AML.T0051.001": "injected_content", "AML.T0066": "injected_content",
                     "AML.T0068": "encoding", "AML.T0070": "injected_content"}
_BLOB = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


@dataclass(frozen=True)
class Profile:
    #: from the text, the attack chain and the prompts' shape
    triggers: frozenset[str]
    behaviours: frozenset[str]
    #: from the taxonomy ids the reporter chose (looser: reporters pick ids differently)
    tagged: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _lexicon() -> tuple[tuple[tuple[str, re.Pattern[str]], ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))

    def compile_group(group: dict[str, list[str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
        out = []
        for concept, phrases in group.items():
            alternatives = []
            for phrase in phrases:
                stem = re.escape(phrase.rstrip("*"))
                alternatives.append(stem + (r"[\w-]*" if phrase.endswith("*") else r"(?![\w-])"))
            out.append((concept, re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)))
        return tuple(out)

    return compile_group(data["trigger"]), compile_group(data["behaviour"])


def attack_family(attack: str, prompts: str) -> str | None:
    """The trigger an attack chain or the prompts themselves show: an encoded blob, another script."""
    first = attack.split("+")[0].split(":")[0].strip().lower()
    if first in ATTACK_TRIGGERS:
        return ATTACK_TRIGGERS[first]
    if _BLOB.search(prompts):
        return "encoding"
    letters = [c for c in prompts if c.isalpha()]
    if letters and sum(ord(c) > 0x2FF for c in letters) > 0.3 * len(letters):
        return "language"
    return None


def profile(text: str, *, attack: str = "", prompts: str = "", taxonomy: tuple[str, ...] = ()) -> Profile:
    triggers_lexicon, behaviours_lexicon = _lexicon()
    triggers = {name for name, pattern in triggers_lexicon if pattern.search(text)}
    behaviours = {name for name, pattern in behaviours_lexicon if pattern.search(text)}
    family = attack_family(attack, prompts)
    if family:
        triggers.add(family)
    tagged = set()
    for tid in taxonomy:
        base = tid.split(":")[0]
        tagged.add(TAXONOMY_TRIGGERS.get(tid) or TAXONOMY_BEHAVIOURS.get(tid) or TAXONOMY_BEHAVIOURS.get(base) or base)
    return Profile(frozenset(triggers), frozenset(behaviours), frozenset(tagged))
