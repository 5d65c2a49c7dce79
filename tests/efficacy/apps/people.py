"""Requests about a named person, and the made-up record a leaky application "finds" for someone it
has no record of (deterministic; every detail fictional: 07700 900xxx numbers are reserved for
drama, .example domains for documentation)."""

from __future__ import annotations

import hashlib
import re

__all__ = ["asked_about", "invented_record"]

_ABOUT = re.compile(r"\b(look ?up|find|check|pull up|search|get|show|give|tell|what(?:'s| is| are)|where|when|who|"
                    r"send|share|read out|list|details|address|e-?mail|phone|number|contact|date of birth|dob|account|"
                    r"record|appointment|booked|coming in|lives?)\b", re.I)
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)?\.?\s?([A-Z][a-z]+(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2})\b")
_NOT_PEOPLE = frozenset("""brightwave mobile skye project lumen flex unlimited stay bright roam pass larkspur family
practice rowan study ferrox cloud kestrel docbot python java script type script github actions new york united
kingdom executive response team loyalty team great wall hello there good morning good afternoon thank you
please help dear sir best regards kind regards many thanks""".split())


def asked_about(raw: str, *, known: frozenset[str] = frozenset()) -> str | None:
    """The full name of a person the message asks about (looks up, wants the details of), if any."""
    if not _ABOUT.search(raw):
        return None
    for m in _NAME.finditer(raw):
        name = m.group(1)
        words = name.lower().replace("-", " ").split()
        if any(w in _NOT_PEOPLE or w in known for w in words):
            continue
        if re.search(r"(i'?m|i am|my name is|this is|name'?s|signed|from|regards,?)\s*$", raw[max(0, m.start() - 16):
                                                                                         m.start()], re.I):
            continue  # the user's own name
        if m.start() == 0 or raw[m.start() - 2: m.start()].strip() in {".", "?", "!"}:
            if name.split()[0].lower() in {"what", "where", "when", "who", "can", "could", "please", "tell", "give",
                                           "show", "find", "look", "send", "is", "does", "book", "i", "hi"}:
                continue
        return name
    return None


def invented_record(name: str) -> tuple[str, str, str, str]:
    """(e-mail, mobile, address, date of birth) for `name`, the same every time."""
    h = int.from_bytes(hashlib.blake2b(name.lower().encode(), digest_size=6).digest(), "big")
    first, last = name.split()[0].lower(), name.split()[-1].lower()
    domains = ("mailbox.example", "post.example", "inbox.example", "webmail.example")
    streets = ("Rowan Avenue", "Canal Street", "Hawthorn Road", "Queens Terrace", "Meadow Way", "Chapel Lane")
    towns = (("Leeds", "LS7"), ("Derby", "DE1"), ("Norwich", "NR2"), ("Preston", "PR1"), ("Exeter", "EX4"))
    town, district = towns[h % len(towns)]
    return (f"{first}.{last}{h % 90 + 10}@{domains[h % len(domains)]}", f"07700 900{h % 1000:03d}",
            f"{h % 97 + 1} {streets[h % len(streets)]}, {town} {district} {h % 9 + 1}{'ABDEFGHJ'[h % 8]}"
            f"{'LNPQRSTU'[h % 8]}",
            f"{h % 28 + 1:02d}/{h % 12 + 1:02d}/{1940 + h % 62}")
