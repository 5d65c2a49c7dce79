"""Obfuscation converters: the request keeps its meaning for a reader but no longer matches the
exact words or tokens a filter looks for. They add no instruction of their own."""

from __future__ import annotations

from redhive.engine.converters.base import Reversible
from redhive.engine.registry import converter

__all__ = ["HOMOGLYPHS", "CharSpacing", "Homoglyphs", "TagSmuggling", "ZeroWidth", "unconfuse"]

#: Latin letter -> a Cyrillic or Greek look-alike (Unicode confusables); one fixed choice per letter.
HOMOGLYPHS: dict[str, str] = {
    "a": "\u0430", "c": "\u0441", "d": "\u0501", "e": "\u0435", "h": "\u04bb", "i": "\u0456",
    "j": "\u0458", "o": "\u043e", "p": "\u0440", "q": "\u051b", "s": "\u0455", "w": "\u051d",
    "x": "\u0445", "y": "\u0443",
    "A": "\u0410", "B": "\u0412", "C": "\u0421", "E": "\u0415", "H": "\u041d", "I": "\u0406",
    "J": "\u0408", "K": "\u041a", "M": "\u041c", "N": "\u039d", "O": "\u041e", "P": "\u0420",
    "S": "\u0405", "T": "\u0422", "X": "\u0425", "Y": "\u04ae", "Z": "\u0396",
}
_CONFUSE = str.maketrans(HOMOGLYPHS)
_UNCONFUSE = str.maketrans({v: k for k, v in HOMOGLYPHS.items()})

_ZWSP = "\u200b"
_TAG_BASE = 0xE0000  # Unicode tag characters E0000–E007F mirror ASCII 00–7F and render as nothing


def unconfuse(text: str) -> str:
    """Map the look-alikes `homoglyphs` uses back to Latin letters (the de-confusable mapping)."""
    return text.translate(_UNCONFUSE)


@converter("char_spacing")
class CharSpacing(Reversible):
    name = "char_spacing"
    family = "obfuscation"
    description = "Put a space between every character of the request (h e l l o)."

    def convert(self, text: str) -> str:
        return " ".join(text)

    def decode(self, converted: str) -> str:
        return converted[::2]


@converter("zero_width")
class ZeroWidth(Reversible):
    name = "zero_width"
    family = "obfuscation"
    description = "Put an invisible zero-width space between every character, splitting words for filters."

    def convert(self, text: str) -> str:
        return _ZWSP.join(text)

    def decode(self, converted: str) -> str:
        return converted[::2]


@converter("homoglyphs")
class Homoglyphs(Reversible):
    """`decode` is `unconfuse`: exact for requests that held no such look-alike to begin with."""

    name = "homoglyphs"
    family = "obfuscation"
    description = "Swap Latin letters for identical-looking Cyrillic and Greek ones (a→а, o→о, …)."

    def convert(self, text: str) -> str:
        return text.translate(_CONFUSE)

    def decode(self, converted: str) -> str:
        return unconfuse(converted)


@converter("tag_smuggling")
class TagSmuggling(Reversible):
    """ASCII smuggling: each ASCII character becomes its invisible Unicode tag twin (U+E0000 +
    code); the tags follow an innocuous visible sentence. Non-ASCII characters have no tag twin
    and stay as they are (visible)."""

    name = "tag_smuggling"
    family = "obfuscation"
    description = "Hide the request in invisible Unicode tag characters after an innocuous visible sentence."
    visible = "Hello! Could you help me with the request in this message?"

    def convert(self, text: str) -> str:
        return self.visible + "".join(chr(_TAG_BASE + ord(c)) if ord(c) < 0x80 else c for c in text)

    def decode(self, converted: str) -> str:
        if not converted.startswith(self.visible):
            raise ValueError("This text was not produced by the tag_smuggling converter.")
        hidden = converted[len(self.visible):]
        return "".join(chr(ord(c) - _TAG_BASE) if _TAG_BASE <= ord(c) < _TAG_BASE + 0x80 else c for c in hidden)
