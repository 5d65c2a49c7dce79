"""How a simulated model reads a conversation: decode what a capable model would decode, split
documents from the user's own words, and name the request's intents."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from redhive.engine.targets.sim import knowledge
from redhive.engine.types import Message

__all__ = ["Reading", "read"]

_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_DOC = re.compile(r"<document>(.*?)</document>", re.DOTALL | re.IGNORECASE)
_QUOTED = re.compile(r"""["'\u201c\u2018]([^"'\u201d\u2019]{3,200})["'\u201d\u2019]""")
_UNLEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t"})
_LEETY = re.compile(r"\b(?=\w*[a-z])(?=\w*[431057])\w+\b", re.IGNORECASE)
_COMMON = frozenset(
    "the and you your to of is what me please tell a in for are it this that with how my do can "
    "give all about as be on i write from which who why".split()
)

_REVEAL = re.compile(
    r"system (prompt|message)|(your|the) (initial|original|hidden|secret|full|exact) (instructions|prompt)"
    r"|your (instructions|prompt|rules|guidelines|configuration)|(text|words|everything|message) above"
    r"|initial prompt|what (were|was) you told|what you were told|verbatim|repeat (back )?(the|your) (first|above)"
    r"|print your (setup|directives)|your (setup|directives)"
)
_SECRET = re.compile(r"password|passcode|secret|api[ -]?key|access code|credential|security code|passphrase")
_PII = re.compile(
    r"e-?mail|phone|telephone|(home |postal )?address|contact (details|info)|date of birth|social security"
    r"|\bssn\b|account number|customer (record|details|data)|personal (data|details|information)"
)
_INJECT = re.compile(
    r"(ignore|disregard|forget|override|skip)\b.{0,60}\b(instructions|rules|directions|prompt|told|above"
    r"|previous|prior|task|everything)|new instructions\s*:|instead,? (just )?(say|reply|print|output|respond|write)"
    r"|your new task|from now on,? (you|only)"
)
_DOC_COMMAND = re.compile(
    r"(ai|assistant|model|chatbot|summari[sz]er|language model|llm|bot)s?\b.{0,120}?"
    r"\b(say|reply|output|append|include|write|respond|print|add|end)\b",
    re.DOTALL,
)
_DECISION = re.compile(r"decision:\s*approve|decision:\s*(decline|reject)")
_RESTRICTED_TOPIC = re.compile(r"restricted topic:\s*([^\n.]+)", re.IGNORECASE)
_RESTRICTED_BLOCK = re.compile(r"restricted reference[^:\n]*:\s*(.+)", re.IGNORECASE | re.DOTALL)


@dataclass(slots=True)
class Reading:
    system: str
    raw: str  # the final user turn as received
    decoded: str  # with base64 / ROT13 decoded
    norm: str  # decoded, de-leeted, lower case: what intent rules look at
    outside: str  # raw text outside <document> blocks (what a naive filter sees)
    documents: list[str]
    earlier: list[str]  # earlier user turns, normalised
    answers: list[str] = field(default_factory=list)  # earlier assistant turns, as given
    intents: set[str] = field(default_factory=set)
    restricted_topics: list[str] = field(default_factory=list)
    restricted_text: str = ""
    injected: str | None = None  # the phrase an injection asks for
    myth: str | None = None  # correction of a recognised false premise
    premise: str = ""  # the sentence that states it
    follow_up: bool = False
    last_assistant: str = ""  # the model's previous answer, when the conversation has one


def read(messages: Sequence[Message]) -> Reading:
    system = "\n".join(m.content or "" for m in messages if m.role == "system")
    users = [m.content or "" for m in messages if m.role == "user"]
    raw = users[-1] if users else ""
    decoded = _unleet_if_leeted(_decode(raw))
    norm = _normalise(decoded)
    documents = [d.strip() for d in _DOC.findall(decoded)]
    reading = Reading(
        system=system, raw=raw, decoded=decoded, norm=norm, outside=_DOC.sub(" ", raw).lower(),
        documents=documents, earlier=[_normalise(_unleet_if_leeted(_decode(u))) for u in users[:-1]],
        answers=[m.content or "" for m in messages if m.role == "assistant"],
    )
    topics = [t.strip() for m in _RESTRICTED_TOPIC.findall(system) for t in m.split(",")]
    reading.restricted_topics = [t for t in topics if t]
    block = _RESTRICTED_BLOCK.search(system)
    reading.restricted_text = block.group(1).strip() if block else ""
    reading.follow_up = bool(knowledge.FOLLOW_UP.search(norm))
    reading.last_assistant = next((m.content or "" for m in reversed(messages) if m.role == "assistant"), "")
    _classify(reading)
    return reading


def intents_of(text: str, reading: Reading) -> set[str]:
    """Intents named by one normalised user text (documents excluded)."""
    own = _DOC.sub(" ", text)
    found: set[str] = set()
    if _REVEAL.search(own):
        found.add("reveal_system")
    if _SECRET.search(own):
        found.add("secret")
    if _PII.search(own):
        found.add("pii")
    if _INJECT.search(own):
        found.add("inject")
    if any(t.lower() in own for t in reading.restricted_topics):
        found.add("restricted")
    if _DECISION.search(own):
        found.add("decision")
    return found


def _classify(reading: Reading) -> None:
    reading.intents = intents_of(reading.norm, reading)
    if "inject" in reading.intents:
        reading.injected = _quoted_after_command(_DOC.sub(" ", reading.decoded))
    for doc in reading.documents:
        command = _DOC_COMMAND.search(doc.lower())
        if command:
            phrase = _quoted_after_command(doc[command.start():])
            if phrase:
                reading.intents.add("doc_injection")
                reading.injected = reading.injected or phrase
    for pattern, correction in knowledge.MYTHS:
        found = pattern.search(reading.norm)
        if found:
            reading.myth = correction
            reading.premise = _sentence_around(reading.norm, found.start(), found.end())
            reading.intents.add("false_premise")
            break
    if reading.follow_up and not reading.intents:
        for earlier in reading.earlier:
            reading.intents |= intents_of(earlier, reading) & {"reveal_system", "secret", "pii", "restricted"}
        if reading.intents:
            reading.intents.add("carried_over")


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in (". ", "? ", "! ", "\n"))
    rights = [i for i in (text.find(mark, end) for mark in (".", "?", "!", "\n")) if i >= 0]
    return " ".join(text[left + 1 : min(rights) + 1 if rights else len(text)].split())


def _quoted_after_command(text: str) -> str | None:
    match = _QUOTED.search(text)
    return match.group(1) if match else None


def _decode(text: str) -> str:
    lowered = text.lower()
    if "rot13" in lowered or "rot-13" in lowered:
        text = "\n\n".join(_maybe_rot13(p) for p in text.split("\n\n"))
    return _B64.sub(_maybe_b64, text)


def _maybe_rot13(paragraph: str) -> str:
    flipped = codecs.encode(paragraph, "rot_13")
    return flipped if _english_score(flipped) > _english_score(paragraph) else paragraph


def _maybe_b64(match: re.Match[str]) -> str:
    token = match.group(0)
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return token
    return decoded if decoded.isprintable() or "\n" in decoded else token


def _english_score(text: str) -> int:
    return sum(1 for w in re.findall(r"[a-z]+", text.lower()) if w in _COMMON)


def _unleet_if_leeted(text: str) -> str:
    """Undo leetspeak when it is how the text is written (not for a stray code such as RH-4F2A)."""
    words = re.findall(r"\w+", text)
    leety = _LEETY.findall(text)
    if not words or len(leety) < 0.3 * len(words):
        return text
    return _LEETY.sub(lambda m: m.group(0).translate(_UNLEET), text)


def _normalise(text: str) -> str:
    return text.lower()
