"""docs/attacks.md lists every registered converter with its family and reversibility."""

from __future__ import annotations

from pathlib import Path

from redhive.engine import registry
from redhive.engine.converters import Reversible

DOC = Path(__file__).resolve().parents[3] / "docs" / "attacks.md"


def test_attacks_doc_matches_the_registry() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- converters:start -->")[1].split("<!-- converters:end -->")[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        name, family, _what, reversible = (c.strip() for c in line.strip().strip("|").split("|"))
        rows[name.strip("`")] = (family, reversible.split(",")[0].split(" ")[0])
    assert sorted(rows) == registry.names("converter")
    for name, (family, reversible) in rows.items():
        cls = registry.get("converter", name)
        assert family == cls.family, name
        assert reversible == ("yes" if issubclass(cls, Reversible) else "no"), name
