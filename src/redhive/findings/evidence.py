"""Evidence ids a report cites, checked before anything is stored:

* `exchange:<id>` (or a bare id): a gateway exchange; it must exist, belong to the report's mission
  and the mission's transcript hash chain must verify (redhive.gateway.service.verify_mission);
* `attempt:<run>/<id>`: an engine attempt stored by a scan;
* `episode:<run>/<mode>/<id>`: an episode stored by an agent scan; its trace's hash chain must
  verify (redhive.engine.agentic.verify_chain).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.errors import InvalidInput
from redhive.gateway.models import Exchange
from redhive.gateway.service import verify_mission
from redhive.runs.models import AgentEpisode, Attempt

__all__ = ["chain_breaks", "episode_of", "normalise", "verify_evidence"]


async def episode_of(session: AsyncSession, ref: str) -> AgentEpisode | None:
    """The stored episode an `episode:<run>/<mode>/<id>` reference names, if any."""
    run_id, _, rest = ref.partition(":")[2].partition("/")
    mode, _, episode_id = rest.partition("/")
    return await session.get(AgentEpisode, (run_id, mode, episode_id))


def chain_breaks(episode: AgentEpisode) -> list[str]:
    """Where the stored trace's hash chain fails (empty: intact)."""
    import json

    from redhive.engine.agentic.trace import Episode, verify_chain

    return verify_chain(Episode.from_dict(json.loads(episode.trace)))


def normalise(evidence_id: str) -> str:
    kind, sep, rest = evidence_id.partition(":")
    if not sep:
        return f"exchange:{evidence_id}"
    if kind not in ("exchange", "attempt", "episode") or not rest:
        raise InvalidInput(f"Evidence {evidence_id!r} is not an exchange:<id>, attempt:<run>/<id> or "
                           "episode:<run>/<mode>/<id> reference.", field="evidence")
    return evidence_id


async def verify_evidence(session: AsyncSession, evidence: Sequence[str], *, mission_id: str | None,
                          user_id: str | None, may_cite_others: bool) -> tuple[list[str], str | None]:
    """The normalised ids and the mission they come from; one sentence for the first bad id."""
    out: list[str] = []
    verified: set[str] = set()
    for raw in evidence:
        ref = normalise(raw)
        kind, _, rest = ref.partition(":")
        if kind == "attempt":
            run_id, _, attempt_id = rest.partition("/")
            if await session.get(Attempt, (run_id, attempt_id)) is None:
                raise InvalidInput(f"Evidence {ref} does not exist: cite an attempt as attempt:<run id>/<attempt id> "
                                   "from `redhive runs show`.", field="evidence")
            out.append(ref)
            continue
        if kind == "episode":
            episode = await episode_of(session, ref)
            if episode is None:
                raise InvalidInput(f"Evidence {ref} does not exist: cite an episode as "
                                   "episode:<run id>/<mode>/<episode id> from `redhive traces show`.", field="evidence")
            if chain_breaks(episode):
                raise InvalidInput(f"Evidence {ref} cannot be trusted because its trace fails its hash check "
                                   f"(`redhive traces show {episode.run_id} --episode {episode.id}` says where).",
                                   field="evidence")
            out.append(ref)
            continue
        exchange = await session.get(Exchange, rest)
        if exchange is None:
            raise InvalidInput(f"Evidence {ref} does not exist: cite an exchange id from your gateway transcript.",
                               field="evidence")
        if mission_id is None:
            mission_id = exchange.mission_id
        if exchange.mission_id != mission_id:
            raise InvalidInput(f"Evidence {ref} belongs to another mission: cite exchanges of this report's "
                               "mission only.", field="evidence")
        if exchange.user_id != user_id and not may_cite_others:
            raise InvalidInput(f"Evidence {ref} is another participant's exchange: cite your own.", field="evidence")
        if exchange.mission_id not in verified:
            report = await verify_mission(session, exchange.mission_id)
            if not report.ok:
                raise InvalidInput(f"Evidence {ref} cannot be trusted because the mission's transcript fails its "
                                   f"hash check ({report.sentence(exchange.mission_id)}); ask the mission "
                                   "coordinator to investigate.", field="evidence")
            verified.add(exchange.mission_id)
        out.append(ref)
    return out, mission_id
