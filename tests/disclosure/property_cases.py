"""Random findings for the property tests: flaws and their reports with random per-field labels and
hazard classes, each labelled field holding canary strings of its own (`CANARY00000042Z`: fixed
width, so no canary is part of another), and the independent statement of what an audience may
receive that every rendering is checked against."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from redhive.disclosure import tlp
from redhive.findings.models import Flaw, FlawReport, Remediation

LABELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
REPORT_PAYLOAD = {"description", "policy_violated", "impacts", "steps", "attack_prompts", "evidence", "replication"}
FLAW_PAYLOAD = {"root_cause", "remediation"}
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def expected_label(kind: str, field: str, stored: str, hazard: str, restricted: bool) -> str:
    """The rule, restated: restricted findings are RED throughout; the payload of HZ2+ is never below
    AMBER+STRICT; otherwise the stored label."""
    if restricted:
        return "TLP:RED"
    payload = REPORT_PAYLOAD if kind == "report" else FLAW_PAYLOAD
    if hazard in ("HZ2", "HZ3") and field in payload and LABELS.index(stored) < LABELS.index("TLP:AMBER+STRICT"):
        return "TLP:AMBER+STRICT"
    return stored


@dataclass
class Spec:
    kind: str
    hazard: str
    domain: str
    labels: dict[str, str]
    #: field -> the canaries it holds (severity holds none: its values are bands and numbers)
    canaries: dict[str, list[str]] = field(default_factory=dict)

    @property
    def restricted(self) -> bool:
        return self.domain in ("biological", "chemical") and self.hazard in ("HZ2", "HZ3")

    def expected(self, f: str) -> str:
        return expected_label(self.kind, f, self.labels[f], self.hazard, self.restricted)


@dataclass
class Case:
    flaws: list[tuple[Spec, list[Spec]]]

    def specs(self) -> list[Spec]:
        return [s for flaw, reports in self.flaws for s in (flaw, *reports)]


def _spec(kind: str) -> st.SearchStrategy[Spec]:
    return st.builds(Spec, kind=st.just(kind), hazard=st.sampled_from(("HZ0", "HZ1", "HZ2", "HZ3")),
                     domain=st.sampled_from(("none", "cyber_offence", "biological")),
                     labels=st.fixed_dictionaries({f: st.sampled_from(LABELS) for f in tlp.FIELDS[kind]}))


cases = st.builds(Case, flaws=st.lists(st.tuples(_spec("flaw"), st.lists(_spec("report"), max_size=2)),
                                       min_size=1, max_size=3))


#: One counter for the whole process: a canary is never reused by a later example, whose exports may
#: still hold an earlier example's rows.
_NEXT = itertools.count(1)


class Canaries:
    def __call__(self, spec: Spec, f: str) -> str:
        value = f"CANARY{next(_NEXT):08d}Z"
        spec.canaries.setdefault(f, []).append(value)
        return value


def build(case: Case, *, org_id: str, system_id: str, version_id: str, ids: Any) -> tuple[
        list[Flaw], list[FlawReport], list[Remediation]]:
    """ORM objects for the case (not added to any session), every labelled field holding canaries."""
    c = Canaries()
    flaws, reports, fixes = [], [], []
    for flaw_spec, report_specs in case.flaws:
        flaw = Flaw(id=next(ids), org_id=org_id, system_id=system_id, title=f"Flaw {c(flaw_spec, 'title')}",
                    root_cause=f"Root cause {c(flaw_spec, 'root_cause')}", taxonomy=[c(flaw_spec, "taxonomy")],
                    hazard_class=flaw_spec.hazard, hazard_domain=flaw_spec.domain, restricted=flaw_spec.restricted,
                    labels=dict(flaw_spec.labels), state="acknowledged", band="S1", exposure=2, priority=8,
                    reliability={"trials": 10, "successes": 7, "low": 0.4, "high": 0.9,
                                 "version_id": c(flaw_spec, "reliability")},
                    created_at=AT, updated_at=AT, validated_at=AT)
        flaws.append(flaw)
        fixes.append(Remediation(id=next(ids), flaw_id=flaw.id, kind="classifier",
                                 notes=f"Fix {c(flaw_spec, 'remediation')}",
                                 ticket_url=f"https://tickets.invalid/{c(flaw_spec, 'remediation')}", created_at=AT))
        for spec in report_specs:
            reports.append(FlawReport(
                id=next(ids), org_id=org_id, system_id=system_id, version_id=version_id, flaw_id=flaw.id,
                title=f"Report {c(spec, 'title')}", description=f"Description {c(spec, 'description')}",
                policy_violated=c(spec, "policy_violated"), steps=c(spec, "steps"), impacts=c(spec, "impacts"),
                attack_prompts=c(spec, "attack_prompts"), report_types=[c(spec, "report_types")],
                taxonomy=[c(spec, "taxonomy")], hazard_class=spec.hazard, hazard_domain=spec.domain,
                restricted=spec.restricted, labels=dict(spec.labels), provenance="human",
                evidence=[f"exchange:{c(spec, 'evidence')}"], replication={"probe_id": c(spec, "replication")},
                reproducibility={"trials": 3, "successes": 2, "sampling": c(spec, "reproducibility")},
                proposed_severity="S1", state="validated", fingerprint="0" * 64,
                paused_seconds=0, created_at=AT, updated_at=AT, submitted_at=AT))
    return flaws, reports, fixes


def leaks(case: Case, text: str, audience: str) -> list[str]:
    """The canaries in `text` of fields above `audience`'s label: must be none."""
    return [f"{spec.kind} {f} ({spec.expected(f)}) {value}" for spec in case.specs()
            for f, values in spec.canaries.items() for value in values
            if value in text and not tlp.may_receive(audience, spec.expected(f))]


def missing(case: Case, text: str, audience: str) -> list[str]:
    """The canaries of fields the audience may receive that `text` lacks (for renderings that carry
    every field: the platform's JSON and the API's views)."""
    return [f"{spec.kind} {f} ({spec.expected(f)}) {value}" for spec in case.specs()
            for f, values in spec.canaries.items() for value in values
            if value not in text and tlp.may_receive(audience, spec.expected(f))]
