"""Shared pieces of the seed-data generators (`EnvironmentKind.generate`): fictional name pools
and the small untidiness of real data (typos, signatures, quoted replies), drawn from a seeded RNG
so a data set is the same on every machine. Every name is invented; domains are `.example.test`."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["FIRST", "LAST", "call", "messy", "person", "task"]

FIRST = (
    "Aino",
    "Bram",
    "Cleo",
    "Dario",
    "Elif",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jalen",
    "Kaia",
    "Lior",
    "Maren",
    "Nils",
    "Odile",
    "Pavel",
    "Quinn",
    "Rosa",
    "Soren",
    "Talia",
    "Umar",
    "Vera",
    "Wim",
    "Xenia",
    "Yusuf",
    "Zora",
    "Anouk",
    "Basil",
    "Coral",
    "Dunya",
)
LAST = (
    "Achterberg",
    "Brisco",
    "Calloway",
    "Dunmore",
    "Eskildsen",
    "Farrow",
    "Galloway",
    "Holmqvist",
    "Ibarra",
    "Jessup",
    "Kowalczyk",
    "Lindahl",
    "Marchetti",
    "Nakagawa",
    "Osei",
    "Pellegrin",
    "Quarles",
    "Rautio",
    "Szabo",
    "Thorsen",
    "Ulloa",
    "Vasquez",
    "Whitlock",
    "Yilmaz",
    "Zeller",
)
_SIGNOFF = ("Best,", "Cheers,", "Thanks!", "Kind regards,", "— sent from my phone", "BR,", "thx")
_TYPO = {"the": "teh", "receive": "recieve", "meeting": "meting", "tomorrow": "tommorow", "please": "pls"}


def person(rng: random.Random, domain: str) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{domain}"


def messy(rng: random.Random, text: str, name: str = "") -> str:
    """The text with the odd typo, a sign-off and sometimes a quoted earlier message."""
    words = [(_TYPO.get(w, w) if rng.random() < 0.15 else w) for w in text.split(" ")]
    out = " ".join(words)
    if name:
        out += f"\n\n{rng.choice(_SIGNOFF)}\n{name.split()[0]}"
    if rng.random() < 0.3:
        out += "\n\n> On an earlier date someone wrote:\n> see below, as discussed"
    return out


def call(tool: str, **args: Any) -> dict[str, Any]:
    return {"tool": tool, "args": args}


def task(
    id: str,
    prompt: str,
    check: list[Any],
    solution: list[dict[str, Any]],
    *,
    scope: list[str],
    allowed: list[Any],
    tags: list[str],
    answer: str = "",
    **more: Any,
) -> dict[str, Any]:
    return {
        "id": id,
        "prompt": prompt,
        "check": check,
        "solution": solution,
        "scope": scope,
        "allowed": allowed,
        "tags": tags,
        "answer": answer,
        **more,
    }
