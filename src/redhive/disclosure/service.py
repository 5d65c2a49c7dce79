"""Sharing labels of reports and flaws: read them, raise them (free), lower them (a recorded
decision of the owning organisation). Every change writes a `disclosure_label_decisions` row and
an audit event in the transaction of the change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize
from redhive.disclosure import tlp
from redhive.disclosure.models import LabelDecision
from redhive.disclosure.redaction import Shared, share_flaw, share_report
from redhive.errors import InvalidInput
from redhive.findings import service as findings
from redhive.findings.models import Flaw, FlawReport, Remediation
from redhive.kit import utcnow

__all__ = ["Kind", "audit_view", "label_changes", "labels_of", "load", "remediations_of", "require_reason",
           "set_labels", "shared_view"]

Kind = Literal["report", "flaw"]


def label_changes(kind: str, current: Mapping[str, str], labels: Mapping[str, str], hazard_class: str, *,
                  restricted: bool = False) -> tuple[list[tuple[str, str, str]], bool]:
    """The (field, old, new) changes `labels` asks of a record of `kind` labelled `current`, and whether
    one lowers a label; an unknown field or a label under the hazard floor is refused first, so the
    changes apply all together or not at all (reports, flaws and incidents alike)."""
    changes: list[tuple[str, str, str]] = []
    for field, label in labels.items():
        if field not in current:
            article = "An" if kind[0] in "aeiou" else "A"
            raise InvalidInput(f"{article} {kind} has no labelled field {field!r}: label one of "
                               f"{', '.join(tlp.FIELDS[kind])}.", field="labels")
        try:
            tlp.check_label(label)
        except ValueError as exc:
            raise InvalidInput(f"{exc}.", field="labels") from None
        low = tlp.floor(kind, field, hazard_class, restricted=restricted)
        if tlp.rank(label) < tlp.rank(low):
            why = ("a restricted hazard finding stays TLP:RED" if restricted
                   else f"an {hazard_class} incident is never shared below {low}" if kind == "incident"
                   else f"the payload of an {hazard_class} finding is never shared below {low}")
            raise InvalidInput(f"The {field} of this {kind} cannot be labelled {label}: {why}.", field="labels")
        if label != current[field]:
            changes.append((field, current[field], label))
    return changes, any(tlp.rank(new) < tlp.rank(old) for _, old, new in changes)


def require_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput("Lowering a sharing label shares the field more widely: give the reason for the "
                           "record.", field="reason")


def labels_of(kind: Kind, obj: FlawReport | Flaw) -> dict[str, str]:
    """The label each field of the report or flaw counts with (stored, defaulted, floored)."""
    return tlp.effective_labels(kind, obj.labels, obj.hazard_class, restricted=obj.restricted)


async def load(session: AsyncSession, actor: Actor, kind: Kind, object_id: str) -> FlawReport | Flaw:
    """The report or flaw, if the actor may see it (404 otherwise, as in findings.service)."""
    if kind == "report":
        return await findings.get_report(session, actor, object_id)
    return await findings.get_flaw(session, actor, object_id)


async def set_labels(session: AsyncSession, actor: Actor, kind: Kind, object_id: str, *,
                     labels: Mapping[str, str], reason: str = "") -> FlawReport | Flaw:
    """Apply the changes in `labels` (field -> label) all together or not at all: unknown fields,
    labels under the hazard floor and lowering without a reason are refused before anything moves."""
    obj = await load(session, actor, kind, object_id)
    relations = findings.report_relations(actor, obj) if isinstance(obj, FlawReport) else actor.relations(obj.org_id)
    current = labels_of(kind, obj)
    changes, lowered = label_changes(kind, current, labels, obj.hazard_class, restricted=obj.restricted)
    if lowered:
        authorize(actor, "findings.label_lower", relations, kind=kind,
                  object_id=obj.id, why="Only the admins and coordinators of the organisation that owns this "
                  f"{kind} may lower a sharing label (raising it is free).")
        require_reason(reason)
    elif changes:
        authorize(actor, "findings.label_raise", relations, kind=kind,
                  object_id=obj.id)
    if not changes:
        return obj
    now = utcnow()
    obj.labels = {**current, **{field: new for field, _, new in changes}}
    for field, old, new in changes:
        direction = "lower" if tlp.rank(new) < tlp.rank(old) else "raise"
        session.add(LabelDecision(object_type=kind, object_id=obj.id, org_id=obj.org_id, field=field,
                                  from_label=old, to_label=new, direction=direction, reason=reason,
                                  actor_id=actor.user_id, at=now))
    await record(session, actor, "disclosure.labels_lowered" if lowered else "disclosure.labels_raised",
                 object_type=kind, object_id=obj.id, org_id=obj.org_id,
                 before={f: old for f, old, _ in changes}, after={**{f: new for f, _, new in changes},
                                                                 "reason": reason})
    await session.flush()
    return obj


async def remediations_of(session: AsyncSession, flaw_ids: list[str]) -> dict[str, list[Remediation]]:
    rows = (await session.scalars(select(Remediation).where(Remediation.flaw_id.in_(flaw_ids))
                                  .order_by(Remediation.created_at))).all()
    out: dict[str, list[Remediation]] = {}
    for r in rows:
        out.setdefault(r.flaw_id, []).append(r)
    return out


async def shared_view(session: AsyncSession, actor: Actor, kind: Kind, object_id: str, audience: str) -> Shared:
    """The report or flaw as `audience` may see it (redaction.redact), for someone who may see it
    whole; a view that shows TLP:AMBER+STRICT or TLP:RED content is audited."""
    obj = await load(session, actor, kind, object_id)
    if isinstance(obj, FlawReport):
        view = share_report(obj, audience)
    else:
        view = share_flaw(obj, audience, (await remediations_of(session, [obj.id])).get(obj.id, []))
    await audit_view(session, actor, kind, obj.id, obj.org_id, view)
    return view


async def audit_view(session: AsyncSession, actor: Actor, kind: str, object_id: str, org_id: str, view: Shared,
                     **context: str) -> None:
    """A `disclosure.viewed` audit event when `view` shows TLP:AMBER+STRICT or TLP:RED content (the
    fields, the audience, and e.g. the sharing agreement it was seen under)."""
    if tlp.rank(view.label) >= tlp.rank(tlp.AMBER_STRICT):
        await record(session, actor, "disclosure.viewed", object_type=kind, object_id=object_id, org_id=org_id,
                     after={"audience": view.audience, "label": view.label, **context,
                            "fields": sorted(f for f, label in view.shown_labels.items()
                                             if tlp.rank(label) >= tlp.rank(tlp.AMBER_STRICT))})
