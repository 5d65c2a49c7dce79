"""What an audience may see of a report or a flaw: the one function every rendering goes through
(the API's shared views, the JSON, CSV, AVID and CSAF exports).

`redact()` copies only the fields whose label the audience may receive; a withheld field is
present only as its label (`{"withheld": "TLP:RED"}`), never as its content, so nothing rendered
from a `Shared` can carry what was withheld (redaction is irreversible in what leaves). The
envelope (id, state, hazard class, dates) travels with every record an audience receives.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redhive.disclosure import tlp
from redhive.errors import InvalidInput
from redhive.findings.models import Flaw, FlawReport, Remediation
from redhive.findings.severity import DEFECTDOJO, VRT_PRIORITY
from redhive.findings.sla import aware

__all__ = ["Shared", "flaw_values", "parse_audience", "redact", "report_values", "share_flaw", "share_report"]


@dataclass(frozen=True)
class Shared:
    """One report or flaw as one audience may see it."""

    kind: str
    id: str
    audience: str
    #: Visible field -> a copy of its value.
    fields: dict[str, Any]
    #: Withheld field -> its label (the content is not here).
    withheld: dict[str, str]
    #: Visible field -> its label.
    shown_labels: dict[str, str]
    envelope: dict[str, Any]

    @property
    def label(self) -> str:
        """The document's label: the most restrictive label among the fields shown."""
        return tlp.most_restrictive(self.shown_labels.values())

    def get(self, field: str, default: Any = None) -> Any:
        return self.fields.get(field, default)

    def title(self) -> str:
        """A title every format can print: the title, or what stands for a withheld one."""
        if "title" in self.fields:
            return str(self.fields["title"])
        if self.envelope.get("restricted"):
            return f"Restricted hazard finding ({self.envelope['hazard_class']}, {self.envelope['hazard_domain']})"
        return f"Withheld title ({self.withheld['title']})"

    def as_dict(self) -> dict[str, Any]:
        """Every labelled field in order, shown or marked withheld; the envelope; the document label;
        a title every reader can print (`title()`)."""
        fields = {f: self.fields[f] if f in self.fields else {"withheld": self.withheld[f]}
                  for f in tlp.FIELDS[self.kind]}
        return {"kind": self.kind, "id": self.id, "audience": self.audience, "tlp": self.label,
                "display_title": self.title(), **self.envelope,
                "labels": {**self.shown_labels, **self.withheld}, "fields": fields}


def parse_audience(value: str, *, export: bool = False) -> str:
    """A TLP label given as an audience, or one sentence. An export is a file that leaves the named
    individuals TLP:RED is for, so exports stop at TLP:AMBER+STRICT."""
    value = value.strip().upper()
    if not value.startswith("TLP:"):
        value = f"TLP:{value}"
    try:
        tlp.check_label(value)
    except ValueError as exc:
        raise InvalidInput(f"{exc}.", field="audience") from None
    if export and value == tlp.RED:
        raise InvalidInput("TLP:RED is for named individuals only, never a file: export for TLP:AMBER+STRICT or "
                           "a wider audience.", field="audience")
    return value


def redact(kind: str, values: Mapping[str, Any], labels: Mapping[str, str], audience: str, *,
           envelope: Mapping[str, Any]) -> Shared:
    """`values` (field -> content) as `audience` may see them, given each field's label."""
    shown: dict[str, Any] = {}
    shown_labels: dict[str, str] = {}
    withheld: dict[str, str] = {}
    for field in tlp.FIELDS[kind]:
        label = labels[field]
        if tlp.may_receive(audience, label):
            shown[field] = copy.deepcopy(values.get(field))
            shown_labels[field] = label
        else:
            withheld[field] = label
    return Shared(kind=kind, id=str(envelope["id"]), audience=audience, fields=shown, withheld=withheld,
                  shown_labels=shown_labels, envelope=copy.deepcopy(dict(envelope)))


def report_values(report: FlawReport) -> dict[str, Any]:
    return {"title": report.title, "taxonomy": list(report.taxonomy), "report_types": list(report.report_types),
            "proposed_severity": report.proposed_severity, "description": report.description,
            "policy_violated": report.policy_violated, "impacts": report.impacts,
            "reproducibility": dict(report.reproducibility or {}), "steps": report.steps,
            "attack_prompts": report.attack_prompts, "evidence": list(report.evidence or []),
            "replication": dict(report.replication or {})}


def flaw_values(flaw: Flaw, remediations: Sequence[Remediation] = ()) -> dict[str, Any]:
    band = flaw.band or ""
    return {"title": flaw.title, "taxonomy": list(flaw.taxonomy),
            "severity": {"band": flaw.band, "priority": flaw.priority, "defectdojo": DEFECTDOJO.get(band, ""),
                         "vrt_priority": VRT_PRIORITY.get(band, "")},
            "root_cause": flaw.root_cause, "reliability": dict(flaw.reliability) if flaw.reliability else None,
            "remediation": [{"kind": r.kind, "notes": r.notes, "ticket_url": r.ticket_url,
                             "due_on": r.due_on.isoformat() if r.due_on else None} for r in remediations]}


def _iso(value: datetime | None) -> str | None:
    """RFC 3339 with its offset (SQLite hands datetimes back naive: they are UTC)."""
    return aware(value).isoformat() if value is not None else None


def share_report(report: FlawReport, audience: str) -> Shared:
    labels = tlp.effective_labels("report", report.labels, report.hazard_class, restricted=report.restricted)
    envelope = {"id": report.id, "state": report.state, "flaw_id": report.flaw_id, "version_id": report.version_id,
                "hazard_class": report.hazard_class, "hazard_domain": report.hazard_domain,
                "restricted": report.restricted, "created_at": _iso(report.created_at),
                "submitted_at": _iso(report.submitted_at)}
    return redact("report", report_values(report), labels, audience, envelope=envelope)


def share_flaw(flaw: Flaw, audience: str, remediations: Sequence[Remediation] = ()) -> Shared:
    labels = tlp.effective_labels("flaw", flaw.labels, flaw.hazard_class, restricted=flaw.restricted)
    envelope = {"id": flaw.id, "state": flaw.state, "hazard_class": flaw.hazard_class,
                "hazard_domain": flaw.hazard_domain, "restricted": flaw.restricted,
                "created_at": _iso(flaw.created_at), "validated_at": _iso(flaw.validated_at),
                "fix_due_at": _iso(flaw.fix_due_at), "embargo_until": _iso(flaw.embargo_until),
                "fixed_version_id": flaw.fixed_version_id}
    return redact("flaw", flaw_values(flaw, remediations), labels, audience, envelope=envelope)
