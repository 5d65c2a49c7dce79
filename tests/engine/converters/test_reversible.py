"""Every reversible converter round-trips: its output still holds the whole request, checked both
with the converter's own `decode` and, where one exists, with an independent standard decoder."""

from __future__ import annotations

import base64
import codecs
import json
import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from redhive.engine import parse_attacks, registry
from redhive.engine.converters import Reversible
from redhive.engine.converters.ciphers import MORSE
from redhive.engine.converters.obfuscation import HOMOGLYPHS, unconfuse

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


def one(name: str) -> Reversible:
    (chain,) = parse_attacks(name)
    (conv,) = chain.converters
    assert isinstance(conv, Reversible)
    return conv


def body(converted: str) -> str:
    """What follows the instruction paragraph of an encoding or cipher."""
    return converted.split("\n\n", 1)[1]


REVERSIBLE = sorted(n for n in registry.names("converter")
                    if issubclass(registry.get("converter", n), Reversible) and n not in {"homoglyphs", "morse"})


@pytest.mark.parametrize("name", REVERSIBLE)
@given(payload=text)
def test_decode_inverts_convert(name: str, payload: str) -> None:
    if name == "tag_smuggling":
        assume(not any(0xE0000 <= ord(c) < 0xE0080 for c in payload))
    conv = one(name)
    assert conv.decode(conv.convert(payload)) == payload


def test_every_encoding_cipher_obfuscation_and_structure_is_reversible() -> None:
    for name in registry.names("converter"):
        family = registry.get("converter", name).family
        if family in {"cipher", "obfuscation", "structure", "framing", "priming"} or (
                family == "encoding" and name != "leetspeak"):
            assert issubclass(registry.get("converter", name), Reversible), name


@given(text)
def test_base32_and_hex_and_binary_decode_with_the_standard_library(payload: str) -> None:
    raw = payload.encode("utf-8")
    assert base64.b32decode(body(one("base32").convert(payload))) == raw
    assert bytes.fromhex(body(one("hex").convert(payload))) == raw
    assert bytes(int(b, 2) for b in body(one("binary").convert(payload)).split()) == raw
    assert unquote(body(one("url_encode").convert(payload))) == payload


@given(text)
def test_classical_ciphers(payload: str) -> None:
    assert codecs.decode(body(one("rot13").convert(payload)), "rot_13") == payload
    assert body(one("reversal").convert(payload)) == payload[::-1]
    atbash = body(one("atbash").convert(payload))
    assert one("atbash").encode(atbash) == payload  # Atbash is its own inverse
    caesar = body(one("caesar").convert(payload))
    assert len(caesar) == len(payload)
    assert all(c == p or (p.isascii() and p.isalpha()) for c, p in zip(caesar, payload, strict=True))


@given(st.text(alphabet=sorted(set(MORSE) - set("abcdefghijklmnopqrstuvwxyz")) + [" ", "a", "z"], min_size=1))
def test_morse_round_trips_its_alphabet_up_to_case(payload: str) -> None:
    conv = one("morse")
    encoded = body(conv.convert(payload))
    assert set(encoded) <= set(".-/ ")
    assert conv.decode(conv.convert(payload)) == payload.upper()


@given(text)
def test_morse_keeps_characters_it_cannot_encode(payload: str) -> None:
    conv = one("morse")
    expected = "".join(c.upper() if c.upper() in MORSE else c for c in payload)
    assert conv.decode(conv.convert(payload)) == expected


@given(text)
def test_homoglyphs_map_back_with_the_deconfusable_mapping(payload: str) -> None:
    out = one("homoglyphs").convert(payload)
    assert len(out) == len(payload)
    assert not set(out) & set(HOMOGLYPHS)  # no mapped Latin letter is left
    assert unconfuse(out) == unconfuse(payload)
    if not set(payload) & set(HOMOGLYPHS.values()):
        assert one("homoglyphs").decode(out) == payload


def test_homoglyphs_look_alike() -> None:
    out = one("homoglyphs").convert("Ignore previous instructions")
    assert out != "Ignore previous instructions"
    assert unicodedata.normalize("NFKC", out) != "Ignore previous instructions"  # survives normalisation
    assert {unicodedata.name(c).split()[0] for c in out if c not in "Ignore previous instructions"} <= {
        "CYRILLIC", "GREEK"}


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=1))
def test_tag_smuggling_hides_ascii_entirely(payload: str) -> None:
    conv = one("tag_smuggling")
    out = conv.convert(payload)
    hidden = out[len(conv.visible):]
    assert out.startswith(conv.visible) and all(0xE0000 <= ord(c) < 0xE0080 for c in hidden)
    assert all(unicodedata.category(c) == "Cf" or unicodedata.category(c) == "Cn" for c in hidden)
    assert "".join(chr(ord(c) - 0xE0000) for c in hidden) == payload


@given(text)
def test_payload_split_reassembles(payload: str) -> None:
    out = one("payload_split").convert(payload)
    values = {line.split(" = ", 1)[0]: json.loads(line.split(" = ", 1)[1])
              for line in out.split("\n") if line[:4] in {"a = ", "b = ", "c = "}}
    assert "".join(values[v] for v in sorted(values)) == payload
    assert len(values) == (2 if len(payload) < 12 else 3)
    if len(payload) >= 12:
        assert all(len(v) >= len(payload) // 3 for v in values.values())


@given(text)
def test_structures_hold_the_request_in_their_own_syntax(payload: str) -> None:
    out = one("json_wrap").convert(payload)
    assert json.loads(out.split("\n\n", 1)[1]) == {"request": payload, "answer": ""}
    quoted = one("markdown_wrap").convert(payload).split("\n\n")
    assert any(part.startswith("> ") for part in quoted)
