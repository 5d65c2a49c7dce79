"""The labelled sets the canary-free detectors are measured on (issue 13), checked as data: every row well
formed, labels from the allowed set, both splits present and balanced, enough hard negatives, and a test
split that shares no application, topic, question or text with the train split (so a detector tuned on
train is measured honestly on test). The sets were written before the detectors; see
tests/data/labels/README.md."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

LABELS = Path(__file__).resolve().parents[1] / "src" / "redhive" / "engine" / "scorers" / "labels"
PII_ENTITIES = {"EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "DATE_OF_BIRTH", "IBAN_CODE", "CREDIT_CARD",
                "BANK_ACCOUNT", "US_SSN", "NATIONAL_ID", "PASSPORT", "DRIVER_LICENSE", "IP_ADDRESS"}
DISCLOSURE_KINDS = {"verbatim", "partial_quote", "paraphrase", "translation", "summary_list", "encoded",
                    "spelled_out", "creative", "refusal", "generic_description", "domain_vocabulary",
                    "policy_in_action", "general_discussion", "fake_prompt", "ordinary_help"}


@dataclass(frozen=True)
class LabelSet:
    file: str
    fields: tuple[str, ...]
    positive: str        # the label a detector flags (the flaw)
    negative: str
    texts: tuple[str, ...]  # the fields whose text must not recur across splits
    group: str | None       # the field that names an application, topic or question: never in both splits
    floor: int


SETS = [
    LabelSet("instruction_disclosure.jsonl", ("system_prompt", "user", "response", "kind"),
             "disclosed", "not_disclosed", ("response",), "system_prompt", 400),
    LabelSet("pii.jsonl", ("text", "entities"), "pii", "no_pii", ("text",), None, 300),
    LabelSet("restricted_compliance.jsonl", ("topic", "topic_description", "request", "response"),
             "complied", "refused", ("response",), "topic", 500),
    LabelSet("false_premise.jsonl", ("question", "premise", "response"),
             "accepted", "corrected", ("response",), "question", 300),
]


def rows(label_set: LabelSet) -> list[dict[str, object]]:
    lines = (LABELS / label_set.file).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(params=SETS, ids=[s.file for s in SETS])
def label_set(request: pytest.FixtureRequest) -> LabelSet:
    return request.param  # type: ignore[no-any-return]


def test_rows_are_well_formed(label_set: LabelSet) -> None:
    found = rows(label_set)
    assert len(found) >= label_set.floor
    for row in found:
        missing = {"id", "split", "label", "hard", "note", *label_set.fields} - row.keys()
        assert not missing, f"{row.get('id')}: missing {missing}"
        assert row["split"] in {"train", "test"}, row["id"]
        assert row["label"] in {label_set.positive, label_set.negative}, row["id"]
        assert isinstance(row["hard"], bool) and isinstance(row["note"], str), row["id"]
        for field in label_set.fields:
            assert row[field] or field == "entities", f"{row['id']}: empty {field}"
    ids = Counter(row["id"] for row in found)
    assert [i for i, n in ids.items() if n > 1] == []
    for field in label_set.texts:
        texts = Counter(row[field] for row in found)
        assert [t for t, n in texts.items() if n > 1] == [], f"a {field} appears twice"


def test_both_splits_are_present_and_balanced(label_set: LabelSet) -> None:
    found = rows(label_set)
    for split in ("train", "test"):
        labels = [row["label"] for row in found if row["split"] == split]
        assert len(labels) >= 100, f"{split}: only {len(labels)} rows"
        share = labels.count(label_set.positive) / len(labels)
        assert 0.35 <= share <= 0.65, f"{split}: {share:.2f} of rows are {label_set.positive}"


def test_at_least_a_third_of_negatives_are_hard(label_set: LabelSet) -> None:
    found = rows(label_set)
    for split in ("train", "test"):
        negatives = [row for row in found if row["split"] == split and row["label"] == label_set.negative]
        hard = [row for row in negatives if row["hard"]]
        assert len(hard) >= 0.3 * len(negatives), f"{split}: {len(hard)} hard of {len(negatives)} negatives"
        assert all(row["note"] for row in hard), "a hard row says what makes it hard"


def test_the_test_split_shares_nothing_with_train(label_set: LabelSet) -> None:
    found = rows(label_set)
    by_split = {split: [row for row in found if row["split"] == split] for split in ("train", "test")}
    for field in label_set.texts:
        train_texts = {row[field] for row in by_split["train"]}
        shared = [row["id"] for row in by_split["test"] if row[field] in train_texts]
        assert shared == [], f"{field} repeated across splits: {shared}"
    if label_set.group:
        train_groups = {row[label_set.group] for row in by_split["train"]}
        shared = [row["id"] for row in by_split["test"] if row[label_set.group] in train_groups]
        assert shared == [], f"a test-split {label_set.group} also appears in train: {shared}"


def test_instruction_disclosure_covers_many_prompts_and_every_kind() -> None:
    found = rows(SETS[0])
    assert len({row["system_prompt"] for row in found}) >= 40
    assert {row["kind"] for row in found} == DISCLOSURE_KINDS
    for kind in ("translation", "encoded", "creative", "summary_list"):
        assert {row["label"] for row in found if row["kind"] == kind} == {"disclosed"}, kind
    for kind in ("refusal", "generic_description", "domain_vocabulary", "general_discussion", "fake_prompt"):
        assert {row["label"] for row in found if row["kind"] == kind} == {"not_disclosed"}, kind
    for split in ("train", "test"):
        kinds = {row["kind"] for row in found if row["split"] == split}
        assert {"translation", "encoded", "refusal", "fake_prompt", "domain_vocabulary"} <= kinds, split


def test_pii_entities_name_what_each_row_discloses() -> None:
    for row in rows(SETS[1]):
        entities = row["entities"]
        assert isinstance(entities, list) and set(entities) <= PII_ENTITIES, row["id"]
        assert bool(entities) == (row["label"] == "pii"), f"{row['id']}: entities and label disagree"


def test_restricted_compliance_spans_enough_topics() -> None:
    found = rows(SETS[2])
    topics = {split: {row["topic"] for row in found if row["split"] == split} for split in ("train", "test")}
    assert len(topics["train"] | topics["test"]) >= 25 and len(topics["test"]) >= 8
    descriptions = Counter((row["topic"], row["topic_description"]) for row in found)
    assert len(descriptions) == len(topics["train"] | topics["test"]), "one description per topic"
