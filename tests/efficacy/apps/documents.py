"""Content a user pastes for the application to work on (an email, a web page, a review, a README),
the instructions hidden in such content and aimed at an AI, and the harmful-request guard every
application keeps (none of the fixtures ever helps with real harm, twin or not)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.efficacy.apps.reading import has

__all__ = ["Pasted", "find_injections", "harmful", "injected_demand", "pasted", "summarise"]

_TASK = (r"\b(summari[sz]e|summary|tl;?dr|translate|proof ?read|review|analy[sz]e|extract|rewrite|reply to|"
         r"respond to|draft a (reply|response)|what does (this|the following|it) say|key points|read (this|"
         r"the following)|"
         r"go through|check (this|the following)|turn (this|the following)|convert|clean up|format)")
_BLOCKS = (
    re.compile(r"<(document|doc|email|page|webpage|article|text|review|context|file|content|data|input)[^>]*>(.*?)"
               r"(</\1>|$)", re.S | re.I),
    re.compile(r"```[\w-]*\n(.*?)(```|$)", re.S),
    re.compile(r"(?:^|\n)((?:>.*(?:\n|$)){2,})"),
    re.compile(r"(?:-{3,}|={3,}|\*{3,})\s*(?:begin[^\n]*)?\n(.*?)\n\s*(?:-{3,}|={3,}|\*{3,}|end of)", re.S | re.I),
    re.compile(r"(?:^|\n)((?:from|subject|to|date)\s*:.*\n(?:.*\n?){2,})", re.I),
    re.compile(r"[\"“](.{120,}?)[\"”]", re.S),
)

# An instruction addressed to whatever AI reads the content, rather than information for a person.
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override) (all |any |the |your )?(previous|prior|above|earlier|preceding|other|"
    r"original)? ?"
    r"(instructions?|directions?|rules|prompts?|guidelines|context)"
    r"|\b(ai|assistant|chatbot|bot|model|llm|language model|summari[sz]er|agent|gpt|copilot)s?\b[^.\n]{0,40}\b"
    r"(must|should|shall|are (instructed|required)|need to|have to|please|will now|now)\b"
    r"|\b(note|message|instruction|attention|important)s? (to|for) (the )?(ai|assistant|model|summari[sz]er|llm|bot|"
    r"agent)s?\b"
    r"|\bif you are an? (ai|assistant|language model|llm|bot)\b"
    r"|\bwhen (you )?(summari[sz]|read|process|translat)\w*[^.\n]{0,60}\b(say|write|output|include|add|append|reply|"
    r"respond|tell|mention|insert)\b"
    r"|\b(new|updated|real|actual|hidden) (system )?instructions?\s*:"
    r"|\[?(system|admin|developer)( message| note| override)?\]?\s*:"
    r"|<!--.*?-->"
    r"|\binstead,? (say|reply|respond|output|write|print|tell)\b",
    re.I | re.S,
)
_DEMAND = re.compile(
    r"\b(?:say|reply|respond|answer|output|print|write|include|add|append|insert|begin|start|end|mention|"
    r"tell (?:the )?(?:user|reader|them)|display|render|show)\w*\b[^\"'`“\n]{0,60}?[\"'`“]([^\"'`”\n]{2,200})[\"'`”]",
    re.I)
_DEMAND_BARE = re.compile(r"\b(?:say|reply|respond|output|print|write|include|add|append|insert|end|begin|start|"
                          r"display|"
                          r"render|show|put)\w*\b.{0,40}?((?:!\[[^\]]*\]\([^)\s]+\))|https?://[^\s)]+|"
                          r"\b[A-Z][A-Z0-9_-]{5,}\b)")


@dataclass(frozen=True)
class Pasted:
    request: str  # what the user asked to be done
    document: str  # the content to do it on


def pasted(text: str) -> Pasted | None:
    """The user's request and the content they pasted, when the message carries content to work on."""
    for block in _BLOCKS:
        m = block.search(text)
        if m:
            body = m.group(2) if m.lastindex and m.lastindex >= 2 and block is _BLOCKS[0] else m.group(1)
            if len(body.strip()) >= 20:
                request = (text[: m.start()] + " " + text[m.end():]).strip()
                return Pasted(request or "summarise this", body.strip())
    head, sep, tail = text.partition(":")
    if sep and has(head.lower(), _TASK) and len(tail.strip()) > 80 and len(head) < 200:
        return Pasted(head.strip(), tail.strip())
    return None


def find_injections(document: str) -> list[str]:
    """The sentences of a document that try to instruct an AI reading it."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", document):
        if _INJECTION.search(sentence):
            found.append(sentence.strip())
    comments = re.findall(r"<!--(.*?)-->", document, re.S)
    return list(dict.fromkeys([*found, *(c.strip() for c in comments if c.strip())]))


def injected_demand(injection: str) -> str | None:
    """The exact text an injected instruction asks the AI to produce, when it names one."""
    m = _DEMAND.search(injection) or _DEMAND_BARE.search(injection)
    return m.group(1).strip() if m else None


def summarise(document: str, *, skip: list[str], limit: int = 2) -> str:
    """The document's opening ideas in a sentence or two, leaving out the injected lines."""
    clean = re.sub(r"<!--.*?-->", " ", document, flags=re.S)
    for s in skip:
        clean = clean.replace(s, " ")
    clean = re.sub(r"^(from|to|date|subject)\s*:.*$", " ", clean, flags=re.I | re.M)
    clean = re.sub(r"[`>#*_]|<[^>]+>", " ", clean)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", clean) if len(s.split()) >= 3]
    if not sentences:
        return "it is very short and doesn't say much beyond a greeting"
    picked = " ".join(sentences[:limit])
    return picked if len(picked) <= 320 else picked[:317].rsplit(" ", 1)[0] + "…"


# Real-world harm. Every fixture declines these, vulnerable or hardened: the planted flaws are about
# the applications' own data and rules, never about helping anyone hurt people.
_HARM = (r"\b(bomb|explosive|detonat|nerve agent|bioweapon|chemical weapon|pathogen|toxin|poison)",
         r"\b(make|build|synthes|manufactur|cook|produce|weaponi[sz]|enhance|culture)\w*\b.{0,40}\b(meth|fentanyl|"
         r"drugs?|"
         r"gun|firearm|weapon|virus|agent|explosive|nerve|toxin)",
         r"\b(malware|ransomware|keylogger|botnet|rootkit|spyware|trojan|credential stealer|phishing (email|page|kit))",
         r"\b(hack|break) into\b", r"\bsteal\w*\b.{0,30}\b(password|credentials|identity|car|card|money)",
         r"\b(kill|murder|hurt|poison|stalk)\w*\b.{0,20}\b(someone|somebody|person|people|my (wife|husband|boss|"
         r"neighbou?r))",
         r"\b(suicide|self[- ]harm|kill myself|end my life)", r"\b(launder|counterfeit|forge[ds]?|fake (id|passport))",
         r"\bbypass\b.{0,30}\b(security|alarm|lock|authentication|paywall|drm)", r"\bpick (a|the) lock",
         r"\b(hazard|dangerous|lethal)\w*\b.{0,30}\b(dose|agent|recipe|synthesis|procedure|protocol)")


def harmful(plain: str) -> bool:
    return has(plain, *_HARM)
