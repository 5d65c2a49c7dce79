"""Evidence ids a report cites, checked before anything is stored:

* `exchange:<id>` (or a bare id): a gateway exchange; it must exist, belong to the report's mission
  and the mission's transcript hash chain must verify (redhive.gateway.service.verify_mission);
* `attempt:<run>/<id>`: an engine attempt stored by a scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.errors import InvalidInput
from redhive.gateway.models import Exchange
from redhive.gateway.service import verify_mission
from redhive.runs.models import Attempt

__all__ = ["normalise", "verify_evidence"]


def normalise(evidence_id: str) -> str:
    kind, sep, rest = evidence_id.partition(":")
    if not sep:
        return f"exchange:{evidence_id}"
    if kind not in ("exchange", "attempt") or not rest:
        raise InvalidInput(f"Evidence {evidence_id!r} is not an exchange:<id> or attempt:<run>/<id> reference.",
                           field="evidence")
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
