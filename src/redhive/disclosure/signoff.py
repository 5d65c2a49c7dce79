"""Sign-off of a report's public version (issue 14 point 3, D39). A TLP:CLEAR report of a mission
or a system is released only once the developer organisation (the owner of the flaws) has signed
it off — and every regulator whose active sharing agreement on that mission or system says
`public_signoff` — each through its admins or coordinators (`sharing.manage`). A sign-off is of
one content: the SHA-256 of the report's data (less its generation time), so a report whose findings
changed since is not signed off any more. Every sign-off is a row and an audit event."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, has_permission
from redhive.disclosure.models import ReportSignoff, SharingAgreement
from redhive.errors import PermissionDenied
from redhive.orgs.models import Organization

__all__ = ["Signer", "digest", "missing", "sign", "signed", "signers"]

#: Fields of a report's data that are not its content.
_NOT_CONTENT = ("generated_at", "release")


@dataclass(frozen=True)
class Signer:
    org_id: str
    name: str
    #: developer | regulator
    role: str


def digest(data: dict[str, Any]) -> str:
    content = {k: v for k, v in data.items() if k not in _NOT_CONTENT}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


async def signers(session: AsyncSession, owner_org_id: str, scope_type: str, scope_id: str) -> list[Signer]:
    """Who must sign off the public version: the owner, then the regulators its agreements name."""
    agreements = (await session.scalars(select(SharingAgreement).where(
        SharingAgreement.org_id == owner_org_id, SharingAgreement.scope_type == scope_type,
        SharingAgreement.scope_id == scope_id, SharingAgreement.revoked_at.is_(None),
        SharingAgreement.public_signoff.is_(True)))).all()
    ids = [owner_org_id, *dict.fromkeys(a.recipient_org_id for a in agreements)]
    names = {o.id: o.name for o in (await session.scalars(select(Organization).where(Organization.id.in_(ids)))).all()}
    return [Signer(org_id, names.get(org_id, org_id), "developer" if org_id == owner_org_id else "regulator")
            for org_id in ids]


async def signed(session: AsyncSession, owner_org_id: str, scope_type: str, scope_id: str,
                 period: tuple[date | None, date | None], content: str) -> list[ReportSignoff]:
    """The sign-offs of exactly this content of this scope and period, oldest first."""
    return list((await session.scalars(select(ReportSignoff).where(
        ReportSignoff.org_id == owner_org_id, ReportSignoff.scope_type == scope_type,
        ReportSignoff.scope_id == scope_id, ReportSignoff.digest == content,
        ReportSignoff.since.is_(None) if period[0] is None else ReportSignoff.since == period[0],
        ReportSignoff.until.is_(None) if period[1] is None else ReportSignoff.until == period[1],
    ).order_by(ReportSignoff.created_at))).all())


def missing(needed: Sequence[Signer], rows: Sequence[ReportSignoff]) -> list[Signer]:
    done = {r.signer_org_id for r in rows}
    return [s for s in needed if s.org_id not in done]


def may_sign(actor: Actor, needed: Sequence[Signer]) -> list[Signer]:
    return [s for s in needed if has_permission(actor, "sharing.manage", s.org_id)]


async def sign(session: AsyncSession, actor: Actor, needed: Sequence[Signer], *, owner_org_id: str,
               scope_type: str, scope_id: str, period: tuple[date | None, date | None], content: str, note: str,
               now: datetime) -> list[ReportSignoff]:
    """Sign off `content` for every organisation in `needed` the actor signs for (its admins and
    coordinators); audited as `disclosure.signed_off`."""
    mine = may_sign(actor, needed)
    if not mine:
        names = " or ".join(f"{s.name} ({s.role})" for s in needed)
        raise PermissionDenied(f"Only the admins or coordinators of {names} sign off this report's public version.")
    rows = []
    for s in mine:
        row = ReportSignoff(org_id=owner_org_id, signer_org_id=s.org_id, role=s.role, scope_type=scope_type,
                            scope_id=scope_id, since=period[0], until=period[1], digest=content, note=note.strip(),
                            user_id=actor.user_id, created_at=now)
        session.add(row)
        await session.flush()
        await record(session, actor, "disclosure.signed_off", object_type=scope_type, object_id=scope_id,
                     org_id=owner_org_id, after={"signer_org_id": s.org_id, "role": s.role, "digest": content,
                                                 "period": [d.isoformat() if d else None for d in period],
                                                 "note": row.note})
        rows.append(row)
    return rows
