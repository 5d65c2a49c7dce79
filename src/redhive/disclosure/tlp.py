"""Traffic Light Protocol 2.0 labels on each field of a flaw report and a flaw
(shared/reference/flaw-management.md §2.8, §5.4).

A label says who may receive a field: `TLP:CLEAR` anyone … `TLP:RED` named individuals only. Each
field kind has a default (attack prompts, evidence and replication steps higher than titles and
summaries); the hazard class sets a floor under the payload (HZ2+ never below `TLP:AMBER+STRICT`),
and a restricted hazard finding (findings.restriction) holds every field at `TLP:RED`. The label that
counts is the stored one raised to the floor, so raising a hazard class can never leave a field
shared more widely than its class allows. Fields are the envelope's only if they are not listed here
(ids, state, dates, hazard class): those travel with any record an audience receives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["CLEAR", "DEFAULTS", "FIELDS", "GREEN", "AMBER", "AMBER_STRICT", "LABELS", "PAYLOAD", "RED",
           "check_label", "default_labels", "effective_labels", "floor", "may_receive", "most_restrictive", "rank"]

CLEAR, GREEN, AMBER, AMBER_STRICT, RED = "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"
#: From the widest audience to the narrowest.
LABELS = (CLEAR, GREEN, AMBER, AMBER_STRICT, RED)
_RANK = {label: i for i, label in enumerate(LABELS)}

#: kind -> field -> its default label. Titles, taxonomy and severity are what the vetted community
#: learns from (GREEN); descriptions and measured reliability go to the developer and evaluators
#: (AMBER); what lets someone reproduce the flaw stays inside the developer (AMBER+STRICT).
DEFAULTS: dict[str, dict[str, str]] = {
    "report": {
        "title": GREEN, "taxonomy": GREEN, "report_types": GREEN, "proposed_severity": GREEN,
        "description": AMBER, "policy_violated": AMBER, "impacts": AMBER, "reproducibility": AMBER,
        "steps": AMBER_STRICT, "attack_prompts": AMBER_STRICT, "evidence": AMBER_STRICT,
        "replication": AMBER_STRICT,
    },
    "flaw": {
        "title": GREEN, "taxonomy": GREEN, "severity": GREEN,
        "root_cause": AMBER, "reliability": AMBER, "remediation": AMBER,
    },
    #: An incident in a deployed system (redhive.incidents): what happened and how serious is for partner
    #: agencies; how to reproduce it stays with the operator.
    "incident": {
        "title": GREEN, "severity": GREEN, "summary": AMBER, "impact": AMBER, "affected": AMBER,
        "timeline": AMBER, "actions": AMBER, "technical_details": AMBER_STRICT,
    },
}
FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(fields) for kind, fields in DEFAULTS.items()}
#: What could help someone reproduce or misuse the flaw: the hazard class floors these.
PAYLOAD: dict[str, frozenset[str]] = {
    "report": frozenset({"description", "policy_violated", "impacts", "steps", "attack_prompts", "evidence",
                         "replication"}),
    "flaw": frozenset({"root_cause", "remediation"}),
    "incident": frozenset({"summary", "technical_details"}),
}
_HAZARD_FLOOR = {"HZ2": AMBER_STRICT, "HZ3": AMBER_STRICT}


def rank(label: str) -> int:
    return _RANK[check_label(label)]


def check_label(label: str) -> str:
    """The label itself, or ValueError with the five it may be (written exactly, in capitals)."""
    if label not in _RANK:
        raise ValueError(f"{label!r} is not a TLP 2.0 label: use one of {', '.join(LABELS)}")
    return label


def most_restrictive(labels: Iterable[str]) -> str:
    return max(labels, key=rank, default=CLEAR)


def may_receive(audience: str, label: str) -> bool:
    """Whether a recipient cleared for `audience` may receive a field labelled `label`."""
    return rank(label) <= rank(audience)


def floor(kind: str, field: str, hazard_class: str, *, restricted: bool = False) -> str:
    """The lowest label the field may carry: TLP:RED throughout for a restricted hazard finding,
    TLP:AMBER+STRICT for the payload of an HZ2 or HZ3 finding, otherwise no floor."""
    if restricted:
        return RED
    if field in PAYLOAD[kind]:
        return _HAZARD_FLOOR.get(hazard_class, CLEAR)
    return CLEAR


def default_labels(kind: str, hazard_class: str = "HZ0", *, restricted: bool = False) -> dict[str, str]:
    """A new report's or flaw's labels: the kind's defaults, HZ3 payload at TLP:RED (reference §5.4),
    each raised to its floor."""
    out = {}
    for field, label in DEFAULTS[kind].items():
        if hazard_class == "HZ3" and field in PAYLOAD[kind]:
            label = RED
        out[field] = most_restrictive((label, floor(kind, field, hazard_class, restricted=restricted)))
    return out


def effective_labels(kind: str, stored: Mapping[str, str] | None, hazard_class: str, *,
                     restricted: bool = False) -> dict[str, str]:
    """The label each field counts with: the stored one (the default where none is stored), raised
    to the floor of the finding's hazard class."""
    defaults = default_labels(kind, hazard_class, restricted=restricted)
    stored = stored or {}
    return {field: most_restrictive((stored.get(field, defaults[field]),
                                     floor(kind, field, hazard_class, restricted=restricted)))
            for field in FIELDS[kind]}
