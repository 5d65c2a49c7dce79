"""Restricted hazard findings (issue 15): a report or flaw whose hazard is biological or chemical at
HZ2 or above is restricted when it is created — embargoed for `EMBARGO_DAYS`, its payload fields
never exported, and visible only to:

- the reporter, and platform admins;
- the developer's named contacts: admins and coordinators of the system's organisation;
- reviewers cleared for it: the organisation's triagers vetted background_checked or above;
- the regulator's contacts: admins of a regulator organisation the system is granted to.

Contacts are chosen by role until per-field TLP labels arrive with the disclosure issue (14): the
payload will then be labelled TLP:AMBER+STRICT at least, never lower.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.orgs.models import Organization, SystemGrant
from redhive.taxonomy import vetting_rank

__all__ = ["EMBARGO_DAYS", "HAZARD_DOMAINS", "PAYLOAD_FIELDS", "RESTRICTED_CLASSES", "RESTRICTED_DOMAINS",
           "embargo_from", "may_see", "restricts", "visible"]

HAZARD_DOMAINS = ("none", "biological", "chemical", "radiological_nuclear", "cyber_offence")
RESTRICTED_DOMAINS = frozenset({"biological", "chemical"})
RESTRICTED_CLASSES = frozenset({"HZ2", "HZ3"})
#: DESIGN §8: a public summary at the earliest 90 days after notice; details never for HZ2+.
EMBARGO_DAYS = 90
#: What a restricted report holds that could give uplift: never in an export, a webhook or a list.
PAYLOAD_FIELDS = ("description", "steps", "attack_prompts", "impacts", "policy_violated", "evidence", "replication")
CLEARED = "background_checked"


def restricts(hazard_domain: str, hazard_class: str) -> bool:
    return hazard_domain in RESTRICTED_DOMAINS and hazard_class in RESTRICTED_CLASSES


def embargo_from(now: datetime) -> datetime:
    return now + timedelta(days=EMBARGO_DAYS)


class Finding(Protocol):
    org_id: str
    system_id: str
    restricted: bool


T = TypeVar("T", bound=Finding)


async def _regulator_contact(session: AsyncSession, actor: Actor, system_id: str) -> bool:
    admin_of = [org for org, role in actor.memberships.items() if role == "admin"]
    if not admin_of:
        return False
    found = await session.scalar(select(SystemGrant.id).join(Organization, Organization.id == SystemGrant.org_id)
                                 .where(SystemGrant.system_id == system_id, SystemGrant.org_id.in_(admin_of),
                                        Organization.kind == "regulator"))
    return found is not None


async def may_see(session: AsyncSession, actor: Actor, finding: Finding, *, reporter_id: str | None = None) -> bool:
    """Whether the actor is among those a restricted finding is visible to (any finding that is
    not restricted: True, the domain's usual rules apply)."""
    if not finding.restricted or actor.is_platform_admin or (reporter_id and reporter_id == actor.user_id):
        return True
    role = actor.role_in(finding.org_id)
    if role in ("admin", "coordinator"):
        return True
    if role == "triager" and vetting_rank(actor.vetting_level) >= vetting_rank(CLEARED):
        return True
    return await _regulator_contact(session, actor, finding.system_id)


async def visible(session: AsyncSession, actor: Actor, findings: Sequence[T]) -> list[T]:
    """The findings of a list the actor may see (restricted ones filtered by `may_see`)."""
    return [f for f in findings if await may_see(session, actor, f, reporter_id=getattr(f, "reporter_id", None))]
