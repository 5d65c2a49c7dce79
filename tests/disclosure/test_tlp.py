"""TLP 2.0 labels: their order, the defaults per field kind, the hazard floor."""

from __future__ import annotations

import pytest

from redhive.disclosure import tlp


def test_labels_are_the_five_tlp_2_0_strings_in_order() -> None:
    assert tlp.LABELS == ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
    assert [tlp.rank(label) for label in tlp.LABELS] == [0, 1, 2, 3, 4]
    assert tlp.most_restrictive(["TLP:GREEN", "TLP:AMBER+STRICT", "TLP:AMBER"]) == "TLP:AMBER+STRICT"
    assert tlp.may_receive("TLP:AMBER", "TLP:GREEN") and not tlp.may_receive("TLP:AMBER", "TLP:AMBER+STRICT")
    for bad in ("TLP:WHITE", "tlp:red", "TLP: RED", "AMBER"):
        with pytest.raises(ValueError, match="not a TLP 2.0 label"):
            tlp.check_label(bad)


def test_payload_defaults_higher_than_titles_and_summaries() -> None:
    report = tlp.default_labels("report")
    for payload in ("attack_prompts", "steps", "evidence", "replication"):
        for summary in ("title", "taxonomy", "description"):
            assert tlp.rank(report[payload]) > tlp.rank(report[summary])
    flaw = tlp.default_labels("flaw")
    assert tlp.rank(flaw["root_cause"]) > tlp.rank(flaw["title"])


@pytest.mark.parametrize("hazard", ["HZ2", "HZ3"])
def test_hazard_class_floors_the_payload(hazard: str) -> None:
    for kind in ("report", "flaw"):
        labels = tlp.effective_labels(kind, dict.fromkeys(tlp.FIELDS[kind], "TLP:CLEAR"), hazard)
        for field in tlp.PAYLOAD[kind]:
            assert tlp.rank(labels[field]) >= tlp.rank("TLP:AMBER+STRICT"), (kind, field)
        assert labels["title"] == "TLP:CLEAR"  # a title is not payload: the owner may publish it
    assert tlp.default_labels("report", "HZ3")["attack_prompts"] == "TLP:RED"
    assert set(tlp.effective_labels("report", None, "HZ2", restricted=True).values()) == {"TLP:RED"}
    assert tlp.effective_labels("report", {"steps": "TLP:CLEAR"}, "HZ0")["steps"] == "TLP:CLEAR"
