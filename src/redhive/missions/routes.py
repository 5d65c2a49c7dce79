"""JSON API of missions: parse, one service call, response model."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from redhive.missions import cohort, service
from redhive.missions.schemas import (
    AcknowledgementCreate,
    InvitationCreate,
    InvitationRead,
    InvitationResponse,
    MissionCreate,
    MissionOrgAdd,
    MissionRead,
    MissionUpdate,
    ParticipantRead,
    SelectionRequest,
    TermsRead,
    TransitionRequest,
)
from redhive.network.selection import Selection, format_cell
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api", tags=["missions"])


class OrgLink(BaseModel):
    org_id: str
    name: str
    kind: str
    role: str


class TargetRead(BaseModel):
    version_id: str
    system: str
    label: str


class MissionDetail(BaseModel):
    mission: MissionRead
    access: str
    terms: TermsRead
    organizations: list[OrgLink]
    targets: list[TargetRead]


class PickRead(BaseModel):
    rank: int
    user_id: str
    display_name: str
    marginal_gain: float
    new_cells: list[str]
    reason: str


class ExclusionRead(BaseModel):
    user_id: str
    display_name: str
    reasons: list[str]


class UncoveredRead(BaseModel):
    cell: str
    weight: float
    reason: str


class SelectionRead(BaseModel):
    picks: list[PickRead]
    excluded: list[ExclusionRead]
    uncovered: list[UncoveredRead]
    total_cells: int
    covered_cells: int
    covered_weight: float
    total_weight: float


class CoverageRow(BaseModel):
    cell: str
    weight: float
    participants: list[str]


class CoverageRead(BaseModel):
    participants: list[ParticipantRead]
    cells: list[CoverageRow]
    covered: int


def selection_read(sel: Selection) -> SelectionRead:
    return SelectionRead(
        picks=[
            PickRead(
                rank=p.rank,
                user_id=p.candidate.id,
                display_name=p.candidate.name,
                marginal_gain=round(p.marginal_gain, 4),
                new_cells=[format_cell(c) for c in p.new_cells],
                reason=p.reason,
            )
            for p in sel.picks
        ],
        excluded=[
            ExclusionRead(user_id=e.candidate.id, display_name=e.candidate.name, reasons=list(e.reasons))
            for e in sel.excluded
        ],
        uncovered=[UncoveredRead(cell=format_cell(u.cell), weight=u.weight, reason=u.reason) for u in sel.uncovered],
        total_cells=sel.total_cells,
        covered_cells=sel.covered_cells,
        covered_weight=sel.covered_weight,
        total_weight=sel.total_weight,
    )


def participant_read(p: cohort.ParticipantView) -> ParticipantRead:
    return ParticipantRead(
        user_id=p.user_id,
        display_name=p.display_name,
        role=p.role,
        joined_at=p.joined_at,
        acknowledged_version=p.acknowledged_version,
        acknowledged_at=p.acknowledged_at,
    )


@router.get("/missions", response_model=list[MissionRead])
async def list_missions(session: SessionDep, actor: UserDep) -> list[MissionRead]:
    return [MissionRead.model_validate(a.mission) for a in await service.list_missions(session, actor)]


@router.post("/missions", response_model=MissionRead, status_code=201)
async def create_mission(data: MissionCreate, session: SessionDep, actor: UserDep) -> MissionRead:
    return MissionRead.model_validate(await service.create_mission(session, actor, data=data))


@router.get("/missions/{mission_id}", response_model=MissionDetail)
async def get_mission(mission_id: str, session: SessionDep, actor: UserDep) -> MissionDetail:
    access = await service.get_mission(session, actor, mission_id)
    orgs = await service.list_organizations(session, actor, mission_id)
    targets = await service.list_targets(session, actor, mission_id)
    return MissionDetail(
        mission=MissionRead.model_validate(access.mission),
        access=access.level,
        terms=TermsRead.model_validate(await service.current_terms(session, mission_id)),
        organizations=[OrgLink(org_id=o.id, name=o.name, kind=o.kind, role=r) for o, r in orgs],
        targets=[TargetRead(version_id=v, system=s, label=label) for v, s, label in targets],
    )


@router.put("/missions/{mission_id}", response_model=MissionRead)
async def update_mission(mission_id: str, data: MissionUpdate, session: SessionDep, actor: UserDep) -> MissionRead:
    return MissionRead.model_validate(await service.update_mission(session, actor, mission_id=mission_id, data=data))


@router.post("/missions/{mission_id}/status", response_model=MissionRead)
async def transition(mission_id: str, data: TransitionRequest, session: SessionDep, actor: UserDep) -> MissionRead:
    return MissionRead.model_validate(
        await service.transition(session, actor, mission_id=mission_id, status=data.status)
    )


@router.post("/missions/{mission_id}/organizations", response_model=OrgLink, status_code=201)
async def add_organization(mission_id: str, data: MissionOrgAdd, session: SessionDep, actor: UserDep) -> OrgLink:
    await service.add_organization(session, actor, mission_id=mission_id, data=data)
    orgs = await service.list_organizations(session, actor, mission_id)
    org, role = next((o, r) for o, r in orgs if o.id == data.org_id)
    return OrgLink(org_id=org.id, name=org.name, kind=org.kind, role=role)


@router.post("/missions/{mission_id}/selection", response_model=SelectionRead)
async def run_selection(mission_id: str, data: SelectionRequest, session: SessionDep, actor: UserDep) -> SelectionRead:
    return selection_read(await cohort.run_selection(session, actor, mission_id=mission_id, k=data.k))


@router.get("/missions/{mission_id}/invitations", response_model=list[InvitationRead])
async def list_invitations(mission_id: str, session: SessionDep, actor: UserDep) -> list[InvitationRead]:
    return [InvitationRead.model_validate(i) for i in await cohort.list_invitations(session, actor, mission_id)]


@router.post("/missions/{mission_id}/invitations", response_model=list[InvitationRead], status_code=201)
async def invite(mission_id: str, data: InvitationCreate, session: SessionDep, actor: UserDep) -> list[InvitationRead]:
    return [
        InvitationRead.model_validate(i) for i in await cohort.invite(session, actor, mission_id=mission_id, data=data)
    ]


@router.get("/missions/{mission_id}/participants", response_model=list[ParticipantRead])
async def list_participants(mission_id: str, session: SessionDep, actor: UserDep) -> list[ParticipantRead]:
    return [participant_read(p) for p in await cohort.list_participants(session, actor, mission_id)]


@router.post("/missions/{mission_id}/acknowledgements", status_code=204)
async def acknowledge(mission_id: str, data: AcknowledgementCreate, session: SessionDep, actor: UserDep) -> None:
    await cohort.acknowledge_terms(session, actor, mission_id=mission_id, version=data.version)


@router.get("/missions/{mission_id}/coverage", response_model=CoverageRead)
async def coverage(mission_id: str, session: SessionDep, actor: UserDep) -> CoverageRead:
    view = await cohort.coverage(session, actor, mission_id)
    return CoverageRead(
        participants=[participant_read(p) for p in view.participants],
        covered=view.covered,
        cells=[CoverageRow(cell=format_cell(c), weight=w, participants=view.covers.get(c, [])) for c, w in view.cells],
    )


@router.get("/mission-invitations", response_model=list[InvitationRead])
async def my_invitations(session: SessionDep, actor: UserDep) -> list[InvitationRead]:
    return [InvitationRead.model_validate(i) for i, _ in await cohort.my_invitations(session, actor)]


@router.post("/mission-invitations/{invitation_id}/response", response_model=ParticipantRead | None)
async def respond(
    invitation_id: str, data: InvitationResponse, session: SessionDep, actor: UserDep
) -> ParticipantRead | None:
    part = await cohort.respond_to_invitation(session, actor, invitation_id=invitation_id, data=data)
    if part is None:
        return None
    views = await cohort.list_participants(session, actor, part.mission_id)
    return next(participant_read(p) for p in views if p.user_id == part.user_id)
