"""Pages of the network: the public application form, the review queue, an application with its
reviews and decision, expert activation, and the members of the network."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.responses import Response

from redhive.errors import Conflict, InvalidInput, RedhiveError
from redhive.network import rubric, service
from redhive.network.schemas import ApplicationCreate, DecisionCreate, ReviewCreate
from redhive.taxonomy import DISCIPLINES, LANGUAGES, REGIONS, RISK_AREAS, SECTORS, VETTING_LEVELS
from redhive.web.deps import ActorDep, SessionDep, UserDep
from redhive.web.forms import parse_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

LIST_FIELDS = ("disciplines", "risk_areas", "languages", "regions", "sectors")
VOCABULARIES = {
    "disciplines": DISCIPLINES,
    "risk_areas": RISK_AREAS,
    "languages": LANGUAGES,
    "regions": REGIONS,
    "sectors": SECTORS,
}


async def form_values(request: Request, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Posted fields; `lists` are repeated fields (checkboxes) read as lists."""
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    for name in lists:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str)]
    return values


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.get("/apply")
async def apply_form(request: Request, actor: ActorDep) -> Response:
    return render(
        request, "network/apply.html", {"nav": "apply", "vocab": VOCABULARIES, "values": {k: [] for k in LIST_FIELDS}}
    )


@router.post("/apply")
async def apply_submit(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    values = await form_values(request, LIST_FIELDS)
    ctx = {"nav": "apply", "vocab": VOCABULARIES}
    try:
        data = parse_form(
            ApplicationCreate,
            {
                **{k: v for k, v in values.items() if v != ""},  # an empty required field is "required"
                "links": _lines(values.get("links", "")),
                "conflicts": _lines(values.get("conflicts", "")),
                "consent": values.get("consent") == "yes",
            },
        )
        app = await service.submit_application(session, actor, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "network/apply.html", values, exc, ctx)
    return render(request, "network/applied.html", {"application": app})


@router.get("/network/applications")
async def review_queue(request: Request, session: SessionDep, actor: UserDep, status: str = "pending") -> Response:
    apps = await service.list_applications(session, actor, status=status if status != "all" else None)
    counts = {a.id: len(await service.list_reviews(session, actor, a.id)) for a in apps}
    return render(
        request,
        "network/queue.html",
        {
            "nav": "network",
            "applications": apps,
            "status": status,
            "review_counts": counts,
            "min_reviews": rubric.MIN_REVIEWS,
        },
    )


async def _detail(
    request: Request, session: SessionDep, actor: UserDep, application_id: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    app = await service.get_application(session, actor, application_id)
    reviews = await service.list_reviews(session, actor, application_id)
    return {
        "nav": "network",
        "application": app,
        "reviews": reviews,
        "criteria": rubric.CRITERIA,
        "recommendation": await service.recommendation(session, actor, application_id),
        "reason_codes": rubric.REASON_CODES,
        "vocab": VOCABULARIES,
        "reviewed": any(r.reviewer_id == actor.user_id for r in reviews),
        **(extra or {}),
    }


@router.get("/network/applications/{application_id}")
async def application_detail(application_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "network/application.html", await _detail(request, session, actor, application_id))


@router.post("/network/applications/{application_id}/reviews")
async def review_submit(application_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request)
    try:
        scores: dict[str, int] = {}
        for key in rubric.CRITERIA:
            raw = values.get(f"score_{key}", "")
            if not raw.isdigit():
                raise InvalidInput(f"Give {key.replace('_', ' ')} a score from 1 to 5.", field=f"score_{key}")
            scores[key] = int(raw)
        await service.review_application(
            session,
            actor,
            application_id=application_id,
            data=parse_form(ReviewCreate, {"scores": scores, "comment": values.get("comment", "")}),
        )
    except (InvalidInput, Conflict) as exc:
        reject(request, "network/application.html", values, exc, await _detail(request, session, actor, application_id))
    return redirect(request, f"/network/applications/{application_id}", "Review saved.")


def _decision_mail(request: Request, decided: Any) -> tuple[str, str, str] | None:
    """(to, subject, body) of the e-mail that tells the applicant the decision, when SMTP is set."""
    settings = request.app.state.settings
    if not settings.smtp_host:
        return None
    app = decided.application
    base = settings.public_url or str(request.base_url).rstrip("/")
    body = f"Dear {app.full_name},\n\nthe redhive expert network has decided on your application: {app.status}.\n"
    if decided.activation_token:
        body += f"\nChoose your password here (the link works once, for 14 days):\n{base}/network/activate/" \
                f"{decided.activation_token}\n"
    return app.email, f"redhive: your application ({app.status})", body


@router.post("/network/applications/{application_id}/decision")
async def decision_submit(application_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                          actor: UserDep) -> Response:
    values = await form_values(request, ("reason_codes",))
    try:
        data = parse_form(DecisionCreate, values)
        decided = await service.decide_application(session, actor, application_id=application_id, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "network/application.html", values, exc, await _detail(request, session, actor, application_id))
    letter = _decision_mail(request, decided)
    if letter is not None:  # sent after the commit; without SMTP the page shows the link to send by hand
        tasks.add_task(_send_quietly, request.app.state.settings, *letter)
    ctx = await _detail(request, session, actor, application_id, {"decided": decided, "mailed": letter is not None})
    return render(request, "network/application.html", ctx)


async def _send_quietly(settings: Any, to: str, subject: str, body: str) -> None:
    import asyncio
    import logging
    import smtplib

    from redhive.notifications.mail import send_one

    try:
        await asyncio.to_thread(send_one, settings, to, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        logging.getLogger("redhive.network").warning("decision e-mail to %s failed: %s", to, exc)


@router.get("/network/activate/{token}")
async def activate_form(token: str, request: Request, actor: ActorDep) -> Response:
    return render(request, "network/activate.html", {"token": token})


@router.post("/network/activate/{token}")
async def activate_submit(token: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    values = await form_values(request)
    try:
        if values.get("password", "") != values.get("password_again", ""):
            raise InvalidInput("The two passwords differ: type the same password twice.", field="password_again")
        await service.activate_expert(session, token=token, password=values.get("password", ""))
    except RedhiveError as exc:
        reject(request, "network/activate.html", {}, exc, {"token": token})
    return redirect(request, "/login", "Your password is set: log in with your email and it.")


@router.get("/network/experts")
async def experts(request: Request, session: SessionDep, actor: UserDep) -> Response:
    views = await service.list_experts(session, actor)
    return render(
        request,
        "network/experts.html",
        {"nav": "network", "experts": views, "vocab": VOCABULARIES, "levels": VETTING_LEVELS},
    )


@router.post("/network/experts/{expert_id}/vetting")
async def vetting_submit(expert_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request)
    level = values.get("level", "")
    if level not in VETTING_LEVELS:
        raise InvalidInput(f"{level!r} is not a vetting level; choose one of {', '.join(VETTING_LEVELS)}.")
    user = await service.set_vetting(session, actor, user_id=expert_id, level=level)
    return redirect(request, "/network/experts", f"{user.display_name} is now {level.replace('_', ' ')}.")
