"""Gateway rules: issuing and revoking mission keys, resolving a key to what it may reach, gateway
settings, flags on exchanges, session history and chain verification. Services never commit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record as audit_record
from redhive.auth.models import User
from redhive.auth.permissions import Actor, require_user
from redhive.errors import InvalidInput, NotFound, PermissionDenied
from redhive.gateway.chain import ChainReport, verify_chain
from redhive.gateway.models import (
    ChainHead,
    Exchange,
    ExchangeFlag,
    GatewayKey,
    GatewaySettings,
    TranscriptCheckpoint,
)
from redhive.gateway.schemas import KeyCreate, SettingsUpdate
from redhive.gateway.signing import Checkpoint, TranscriptVerifier, check_signatures
from redhive.gateway.upstream import Route
from redhive.kit import SecretBox, hash_token, new_token, utcnow
from redhive.missions import service as missions
from redhive.missions.models import Mission, MissionParticipant, MissionTarget, TermsAcknowledgement
from redhive.orgs.models import AISystem, SystemVersion
from redhive.orgs.service import reveal_credential
from redhive.safeguards.service import trusted_programmes
from redhive.taxonomy import TIER_REQUIRES_VETTING, VETTING_LEVELS

__all__ = [
    "Grant",
    "flag_exchange",
    "get_settings",
    "issue_key",
    "list_checkpoints",
    "list_keys",
    "list_session",
    "mission_routes",
    "playground_grant",
    "resolve_key",
    "revoke_key",
    "update_settings",
    "verify_mission",
]

KEY_PREFIX = "rhk_"
DEFAULT_SETTINGS = GatewaySettings(deny_list=[], allow_system_prompt=True, requests_per_minute=60,
                                   tokens_per_day=200_000, max_concurrent=4)


@dataclass(frozen=True, slots=True)
class Grant:
    """What one key (or a participant in the playground) may reach, resolved from the database."""

    mission_id: str
    user_id: str
    key_id: str | None
    vetting_level: str
    access_tier: str
    mission_status: str
    expires_at: datetime | None
    #: The mission's start (its start date at 00:00 UTC): nothing is served before it.
    starts_at: datetime | None
    revoked: bool
    routes: dict[str, Route]
    requests_per_minute: int
    tokens_per_day: int
    max_concurrent: int
    deny_list: tuple[str, ...]
    allow_system_prompt: bool
    #: The mission's hazard ceiling and the member's granted trusted access (programme, expiry):
    #: what the hazard screen (redhive.safeguards.policy) needs.
    hazard_ceiling: str = "HZ1"
    programmes: tuple[tuple[str, datetime], ...] = ()

    def refusal_now(self) -> tuple[int, str, str] | None:
        return self.refusal(utcnow())

    def refusal(self, now: datetime) -> tuple[int, str, str] | None:
        """(status, OpenAI error code, sentence) when this grant may not be used now."""
        if self.revoked:
            return 401, "key_revoked", "This key was revoked: ask the mission's coordinator for a new one."
        if self.expires_at is not None and now >= self.expires_at:
            return 401, "key_expired", (f"This key expired at {self.expires_at:%Y-%m-%d %H:%M} UTC with the "
                                        "mission's time box.")
        if self.mission_status != "active":
            return 403, "mission_not_active", (f"The mission is {self.mission_status}, not active: the gateway "
                                               "only serves active missions.")
        if self.starts_at is not None and now < self.starts_at:
            return 403, "mission_not_started", (f"The mission starts on {self.starts_at:%Y-%m-%d}: the gateway "
                                                "serves it from then on.")
        needed = TIER_REQUIRES_VETTING.get(self.access_tier, VETTING_LEVELS[-1])
        if VETTING_LEVELS.index(self.vetting_level) < VETTING_LEVELS.index(needed):
            return 403, "vetting_insufficient", (f"The mission's access tier {self.access_tier} needs vetting "
                                                 f"level {needed}; yours is {self.vetting_level}.")
        return None


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "model"


def _mission_end(mission: Mission) -> datetime | None:
    return None if mission.ends_on is None else datetime.combine(mission.ends_on + timedelta(days=1), time(), UTC)


async def get_settings(session: AsyncSession, mission_id: str) -> GatewaySettings:
    found = await session.get(GatewaySettings, mission_id)
    return found if found is not None else DEFAULT_SETTINGS


async def update_settings(session: AsyncSession, actor: Actor, mission_id: str, *,
                          data: SettingsUpdate) -> GatewaySettings:
    mission = await missions.manageable(session, actor, mission_id)
    found = await session.get(GatewaySettings, mission.id)
    if found is None:
        found = GatewaySettings(mission_id=mission.id, deny_list=[])
        session.add(found)
    before = {"deny_list": list(found.deny_list or []), "allow_system_prompt": found.allow_system_prompt}
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(found, name, value)
    await session.flush()
    await audit_record(session, actor, "gateway.settings_updated", object_type="mission", object_id=mission.id,
                       org_id=mission.org_id, before=before, after=data.model_dump(exclude_unset=True))
    return found


async def mission_routes(session: AsyncSession, mission_id: str, box: SecretBox) -> dict[str, Route]:
    """Public model name -> upstream, for every system version the mission targets."""
    rows = (await session.execute(
        select(SystemVersion, AISystem.name).join(MissionTarget, MissionTarget.version_id == SystemVersion.id)
        .join(AISystem, AISystem.id == SystemVersion.system_id).where(MissionTarget.mission_id == mission_id)
    )).all()
    return {f"{_slug(name)}/{_slug(v.label)}": Route(f"{_slug(name)}/{_slug(v.label)}", v.id, v.upstream_target,
                                                     v.upstream_base_url, reveal_credential(v, box))
            for v, name in rows}


async def _participant(session: AsyncSession, mission_id: str, user_id: str) -> MissionParticipant | None:
    found: MissionParticipant | None = await session.scalar(select(MissionParticipant).where(
        MissionParticipant.mission_id == mission_id, MissionParticipant.user_id == user_id))
    return found


async def _grant(session: AsyncSession, mission: Mission, user: User, key: GatewayKey | None,
                 box: SecretBox) -> Grant:
    settings = await get_settings(session, mission.id)
    participant = await _participant(session, mission.id, user.id)
    expires = _aware(key.expires_at) if key is not None else _mission_end(mission)
    return Grant(
        mission_id=mission.id, user_id=user.id, key_id=key.id if key else None, vetting_level=user.vetting_level,
        access_tier=mission.access_tier, mission_status=mission.status, expires_at=expires,
        starts_at=None if mission.starts_on is None else datetime.combine(mission.starts_on, time(), UTC),
        revoked=(key is not None and key.revoked_at is not None) or participant is None,
        routes=await mission_routes(session, mission.id, box),
        requests_per_minute=key.requests_per_minute if key else settings.requests_per_minute,
        tokens_per_day=key.tokens_per_day if key else settings.tokens_per_day,
        max_concurrent=key.max_concurrent if key else settings.max_concurrent,
        deny_list=tuple(settings.deny_list or ()), allow_system_prompt=settings.allow_system_prompt,
        hazard_ceiling=mission.hazard_ceiling, programmes=await trusted_programmes(session, user.id),
    )


async def resolve_key(session: AsyncSession, token: str, box: SecretBox) -> Grant | None:
    key = await session.scalar(select(GatewayKey).where(GatewayKey.token_hash == hash_token(token)))
    if key is None:
        return None
    mission = await session.get(Mission, key.mission_id)
    user = await session.get(User, key.user_id)
    if mission is None or user is None:
        return None
    return await _grant(session, mission, user, key, box)


async def playground_grant(session: AsyncSession, actor: Actor, mission_id: str, box: SecretBox) -> Grant:
    """The playground's principal: the logged-in participant, with the mission's default limits."""
    require_user(actor)
    access = await missions.get_mission(session, actor, mission_id)
    # participation, not the access level: a member of the organising lab may be a participant too
    if await _participant(session, access.mission.id, str(actor.user_id)) is None:
        raise PermissionDenied("Only the mission's participants use its playground.")
    user = await session.get(User, actor.user_id)
    assert user is not None
    return await _grant(session, access.mission, user, None, box)


async def issue_key(session: AsyncSession, actor: Actor, mission_id: str, *, data: KeyCreate) -> tuple[GatewayKey, str]:
    """A new key for `data.user_id` (default: the actor). Returns the key and its secret, shown once."""
    require_user(actor)
    access = await missions.get_mission(session, actor, mission_id)
    mission = access.mission
    user_id = data.user_id or actor.user_id
    if user_id != actor.user_id and not access.can_run:
        raise PermissionDenied("Only the mission's admins and coordinators issue keys for other participants.")
    if await _participant(session, mission.id, str(user_id)) is None:
        raise InvalidInput("Keys are issued to the mission's participants only: invite this person first.",
                           field="user_id")
    terms = await missions.current_terms(session, mission.id)
    if not await session.scalar(select(TermsAcknowledgement.id).where(
            TermsAcknowledgement.terms_id == terms.id, TermsAcknowledgement.user_id == user_id)):
        raise InvalidInput(f"The participant has not acknowledged version {terms.version} of the rules of "
                           "engagement: they must accept them before a key is issued.", field="user_id")
    if mission.status not in ("briefing", "active", "paused"):
        raise InvalidInput(f"The mission is {mission.status}: keys are issued from briefing until it closes.")
    settings = await get_settings(session, mission.id)
    now = utcnow()
    ends = _mission_end(mission)
    expires = min([t for t in (ends, now + timedelta(days=data.days)) if t is not None])
    if expires <= now:
        raise InvalidInput("The mission's time box has ended: no key can be issued for it.")
    secret = new_token(KEY_PREFIX)
    key = GatewayKey(
        token_hash=hash_token(secret), prefix=secret[:10], label=data.label, mission_id=mission.id,
        user_id=str(user_id), issued_by_id=actor.user_id,
        requests_per_minute=data.requests_per_minute or settings.requests_per_minute,
        tokens_per_day=data.tokens_per_day or settings.tokens_per_day,
        max_concurrent=data.max_concurrent or settings.max_concurrent, created_at=now, expires_at=expires,
        revoked_at=None,
    )
    session.add(key)
    await session.flush()
    await audit_record(session, actor, "gateway.key_issued", object_type="gateway_key", object_id=key.id,
                       org_id=mission.org_id, after={"mission_id": mission.id, "user_id": key.user_id,
                                                     "expires_at": expires.isoformat()})
    return key, secret


async def list_keys(session: AsyncSession, actor: Actor, mission_id: str) -> Sequence[GatewayKey]:
    access = await missions.get_mission(session, actor, mission_id)
    query = select(GatewayKey).where(GatewayKey.mission_id == mission_id).order_by(GatewayKey.created_at)
    if not access.can_run:
        query = query.where(GatewayKey.user_id == actor.user_id)
    return (await session.scalars(query)).all()


async def revoke_key(session: AsyncSession, actor: Actor, key_id: str) -> GatewayKey:
    require_user(actor)
    key = await session.get(GatewayKey, key_id)
    if key is None:
        raise NotFound(f"There is no gateway key {key_id}.")
    access = await missions.get_mission(session, actor, key.mission_id)
    if key.user_id != actor.user_id and not access.can_run:
        raise PermissionDenied("Only the key's holder and the mission's admins and coordinators revoke it.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await session.flush()
        await audit_record(session, actor, "gateway.key_revoked", object_type="gateway_key", object_id=key.id,
                           org_id=access.mission.org_id, after={"mission_id": key.mission_id})
    return key


async def flag_exchange(session: AsyncSession, actor: Actor, exchange_id: str, *, note: str) -> ExchangeFlag:
    require_user(actor)
    exchange = await session.get(Exchange, exchange_id)
    if exchange is None:
        raise NotFound(f"There is no exchange {exchange_id}.")
    access = await missions.get_mission(session, actor, exchange.mission_id)
    if exchange.user_id != actor.user_id and not access.can_run:
        raise PermissionDenied("You may flag your own exchanges only.")
    flag = ExchangeFlag(exchange_id=exchange.id, mission_id=exchange.mission_id, user_id=str(actor.user_id),
                        note=note.strip(), created_at=utcnow())
    session.add(flag)
    await session.flush()
    return flag


async def list_session(session: AsyncSession, actor: Actor, mission_id: str, session_id: str) -> Sequence[Exchange]:
    access = await missions.get_mission(session, actor, mission_id)
    query = select(Exchange).where(Exchange.mission_id == mission_id, Exchange.session_id == session_id)
    if not access.can_run:
        query = query.where(Exchange.user_id == actor.user_id)
    return (await session.scalars(query.order_by(Exchange.seq))).all()


async def tokens_used_today(session: AsyncSession, key_id: str | None, user_id: str) -> int:
    start = datetime.combine(utcnow().date(), time(), UTC)
    query = select(func.coalesce(func.sum(Exchange.input_tokens + Exchange.output_tokens), 0)).where(
        Exchange.started_at >= start)
    query = query.where(Exchange.key_id == key_id) if key_id else query.where(
        Exchange.user_id == user_id, Exchange.key_id.is_(None))
    return int(await session.scalar(query) or 0)


async def _records(session: AsyncSession, mission_id: str) -> AsyncIterator[dict[str, Any]]:
    stream = await session.stream_scalars(select(Exchange).where(Exchange.mission_id == mission_id)
                                          .order_by(Exchange.seq, Exchange.id).execution_options(yield_per=500))
    async for row in stream:
        yield {c.name: getattr(row, c.name) for c in Exchange.__table__.columns}


async def _stored_checkpoints(session: AsyncSession, mission_id: str) -> list[Checkpoint]:
    rows = await session.scalars(select(TranscriptCheckpoint).where(TranscriptCheckpoint.mission_id == mission_id)
                                 .order_by(TranscriptCheckpoint.seq, TranscriptCheckpoint.signed_at))
    return [Checkpoint.of(row) for row in rows]


def _signed_head(head: ChainHead | None) -> Checkpoint | None:
    return Checkpoint.of(head) if head is not None and head.signature is not None else None


async def verify_mission(session: AsyncSession, mission_id: str, verifier: TranscriptVerifier | None = None,
                         held: Sequence[tuple[Checkpoint, str]] = ()) -> ChainReport:
    """Recompute the mission's chain (operators and the CLI; no actor: it reads, and says only
    yes/no); with a verifier (the transcript key's public half), also check the head's signature
    and every checkpoint, the stored ones and those an observer `held`, each with where it came from."""
    if await session.get(Mission, mission_id) is None:
        raise NotFound(f"There is no mission {mission_id}: `redhive audit verify` needs a mission id.")
    head = await session.get(ChainHead, mission_id)
    records = [r async for r in _records(session, mission_id)]
    report = verify_chain(records, None if head is None else (head.seq, head.hash))
    if verifier is None:
        return report
    hashes = {int(r["seq"]): (str(r["hash"]), str(r["id"])) for r in records}
    stored = [(cp, "the stored checkpoint") for cp in await _stored_checkpoints(session, mission_id)]
    return check_signatures(report, mission_id, hashes, _signed_head(head), [*stored, *held], verifier)


async def list_checkpoints(session: AsyncSession, actor: Actor, mission_id: str) -> list[Checkpoint]:
    """The mission's signed checkpoints, oldest first, ending with its current signed head: what an
    observer keeps, to hold the transcript to later (`redhive audit verify --checkpoint`)."""
    await missions.get_mission(session, actor, mission_id)
    found = await _stored_checkpoints(session, mission_id)
    head = _signed_head(await session.get(ChainHead, mission_id))
    if head is not None and (not found or (found[-1].seq, found[-1].hash) != (head.seq, head.hash)):
        found.append(head)
    return found
