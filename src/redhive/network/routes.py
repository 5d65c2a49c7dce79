"""JSON API of the network: parse, one service call, response model."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel

from redhive.auth.schemas import UTCDateTime
from redhive.network import rubric, service
from redhive.network.schemas import (
    ActivationRequest,
    ApplicationCreate,
    ApplicationRead,
    DecisionCreate,
    ExpertRead,
    ReviewCreate,
    ReviewRead,
    VettingGrant,
)
from redhive.web.deps import ActorDep, SessionDep, UserDep

router = APIRouter(prefix="/api/network", tags=["network"])


class ApplicationReceipt(BaseModel):
    id: str
    status: str
    submitted_at: UTCDateTime


class RecommendationRead(BaseModel):
    decision: str
    reason_codes: list[str]
    reapply_after: date | None
    overall: float
    criterion_means: dict[str, float]


class ApplicationDetail(BaseModel):
    application: ApplicationRead
    reviews: list[ReviewRead]
    recommendation: RecommendationRead | None


class DecisionRead(BaseModel):
    application: ApplicationRead
    user_id: str | None
    #: Path of the new expert's one-time link to set a password (send it to them).
    activation_path: str | None


class RubricRead(BaseModel):
    criteria: dict[str, str]
    min_reviews: int
    reason_codes: dict[str, dict[str, str]]


def expert_read(view: service.ExpertView) -> ExpertRead:
    p = view.profile
    return ExpertRead(
        user_id=view.user.id,
        display_name=view.user.display_name,
        vetting_level=view.user.vetting_level,
        affiliation=p.affiliation,
        disciplines=p.disciplines,
        risk_areas=p.risk_areas,
        languages=p.languages,
        regions=p.regions,
        sectors=p.sectors,
        years_experience=p.years_experience,
        hours_per_week=p.hours_per_week,
        quality=p.quality,
        joined_at=p.joined_at,
    )


@router.get("/rubric", response_model=RubricRead)
async def get_rubric() -> RubricRead:
    return RubricRead(
        criteria={k: v[0] for k, v in rubric.CRITERIA.items()},
        min_reviews=rubric.MIN_REVIEWS,
        reason_codes=rubric.REASON_CODES,
    )


@router.post("/applications", response_model=ApplicationReceipt, status_code=201)
async def submit_application(data: ApplicationCreate, session: SessionDep, actor: ActorDep) -> ApplicationReceipt:
    app = await service.submit_application(session, actor, data=data)
    return ApplicationReceipt(id=app.id, status=app.status, submitted_at=app.submitted_at)


@router.get("/applications", response_model=list[ApplicationRead])
async def list_applications(session: SessionDep, actor: UserDep, status: str | None = None) -> list[ApplicationRead]:
    return [ApplicationRead.model_validate(a) for a in await service.list_applications(session, actor, status=status)]


@router.get("/applications/{application_id}", response_model=ApplicationDetail)
async def get_application(application_id: str, session: SessionDep, actor: UserDep) -> ApplicationDetail:
    app = await service.get_application(session, actor, application_id)
    reviews = await service.list_reviews(session, actor, application_id)
    rec = await service.recommendation(session, actor, application_id)
    return ApplicationDetail(
        application=ApplicationRead.model_validate(app),
        reviews=[ReviewRead.model_validate(r) for r in reviews],
        recommendation=RecommendationRead(
            decision=rec.decision,
            reason_codes=list(rec.reason_codes),
            reapply_after=rec.reapply_after,
            overall=rec.overall,
            criterion_means=dict(rec.criterion_means),
        )
        if rec
        else None,
    )


@router.post("/applications/{application_id}/reviews", response_model=ReviewRead, status_code=201)
async def review_application(
    application_id: str, data: ReviewCreate, session: SessionDep, actor: UserDep
) -> ReviewRead:
    return ReviewRead.model_validate(
        await service.review_application(session, actor, application_id=application_id, data=data)
    )


@router.post("/applications/{application_id}/decision", response_model=DecisionRead)
async def decide_application(
    application_id: str, data: DecisionCreate, session: SessionDep, actor: UserDep
) -> DecisionRead:
    decided = await service.decide_application(session, actor, application_id=application_id, data=data)
    return DecisionRead(
        application=ApplicationRead.model_validate(decided.application),
        user_id=decided.user.id if decided.user else None,
        activation_path=f"/network/activate/{decided.activation_token}" if decided.activation_token else None,
    )


@router.post("/activate", status_code=204)
async def activate(data: ActivationRequest, session: SessionDep) -> None:
    await service.activate_expert(session, token=data.token, password=data.password)


@router.get("/experts", response_model=list[ExpertRead])
async def list_experts(session: SessionDep, actor: UserDep) -> list[ExpertRead]:
    return [expert_read(e) for e in await service.list_experts(session, actor)]


@router.put("/experts/{expert_id}/vetting", response_model=ExpertRead)
async def set_vetting(expert_id: str, data: VettingGrant, session: SessionDep, actor: UserDep) -> ExpertRead:
    await service.set_vetting(session, actor, user_id=expert_id, level=data.level)
    return expert_read(await service.get_expert(session, actor, expert_id))
