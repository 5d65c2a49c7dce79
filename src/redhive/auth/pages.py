"""Pages of accounts: log in, log out, sign up from an invitation, the account page with API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth import service
from redhive.auth.permissions import Actor
from redhive.auth.schemas import ApiTokenCreate, InvitationCreate, LoginRequest, SignupRequest, VettingUpdate
from redhive.auth.sessions import clear_session_cookie, log_in
from redhive.errors import Conflict, InvalidInput, NotAuthenticated, RedhiveError
from redhive.web.deps import ActorDep, SessionDep, SettingsDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard"


@router.get("/login")
async def login_form(request: Request, actor: ActorDep, next: str | None = None) -> Response:
    if actor.is_authenticated:
        return redirect(request, _safe_next(next))
    return render(request, "auth/login.html", {"next": _safe_next(next)})


@router.post("/login")
async def login_submit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    values = await read_form(request)
    target = _safe_next(values.get("next"))
    try:
        data = parse_form(LoginRequest, values)
        user = await service.authenticate_password(session, email=data.email, password=data.password)
    except (InvalidInput, NotAuthenticated) as exc:
        reject(request, "auth/login.html", {**values, "password": ""}, exc, {"next": target})
    response = redirect(request, target, f"Welcome back, {user.display_name}.")
    await log_in(session, response, user, settings)
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep, settings: SettingsDep, actor: ActorDep) -> Response:
    cookie = request.cookies.get(settings.session_cookie_name)
    if cookie:
        await service.end_session(session, cookie)
    response = redirect(request, "/login", "You are logged out.", "info")
    clear_session_cookie(response, settings)
    return response


@router.get("/signup")
async def signup_form(request: Request, session: SessionDep, token: str = "") -> Response:
    context: dict[str, object] = {"values": {"token": token}}
    try:
        invitation = await service.get_invitation(session, token=token) if token else None
        context["invitation"] = invitation
    except RedhiveError as exc:
        context.update(errors={"token": exc.message}, invalid=True)
        return render(request, "auth/signup.html", context, status_code=exc.http_status)
    return render(request, "auth/signup.html", context)


@router.post("/signup")
async def signup_submit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    values = await read_form(request)
    try:
        data = parse_form(SignupRequest, values)
        user = await service.accept_invitation(session, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "auth/signup.html", {**values, "password": ""}, exc)
    response = redirect(request, "/dashboard", f"Welcome to redhive, {user.display_name}.")
    await log_in(session, response, user, settings)
    return response


@router.get("/account")
async def account(request: Request, session: SessionDep, actor: UserDep) -> Response:
    tokens = await service.list_api_tokens(session, actor)
    return render(request, "auth/account.html", {"nav": "account", "tokens": tokens})


@router.post("/account/tokens")
async def create_token(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        data = parse_form(ApiTokenCreate, values)
        row, token = await service.create_api_token(session, actor, data=data)
    except InvalidInput as exc:
        tokens = await service.list_api_tokens(session, actor)
        reject(request, "auth/account.html", values, exc, {"nav": "account", "tokens": tokens})
    tokens = await service.list_api_tokens(session, actor)
    return render(request, "auth/account.html", {"nav": "account", "tokens": tokens, "new_token": token,
                                                 "new_token_name": row.name})


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(token_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    row = await service.revoke_api_token(session, actor, token_id=token_id)
    return redirect(request, "/account", f"The token {row.name} is revoked.")


# --- platform admins: people ----------------------------------------------------------------------

VETTING_OPTIONS = [(v, v.replace("_", " ").capitalize()) for v in
                   ("self_declared", "id_verified", "background_checked", "gov_cleared")]


async def _people_context(session: AsyncSession, actor: Actor) -> dict[str, object]:
    return {"nav": "people", "users": await service.list_users(session, actor), "vetting": VETTING_OPTIONS}


@router.get("/admin/users")
async def people(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "auth/people.html", await _people_context(session, actor))


@router.post("/admin/users/{user_id}/vetting")
async def people_vetting(user_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        data = parse_form(VettingUpdate, values)
    except InvalidInput as exc:
        return redirect(request, "/admin/users", exc.message, "error")
    user = await service.set_vetting_level(session, actor, user_id=user_id, level=data.vetting_level)
    return redirect(request, "/admin/users",
                    f"{user.display_name} is now {user.vetting_level.replace('_', ' ')}.")


@router.post("/admin/invitations")
async def people_invite(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        invitation, token = await service.create_invitation(session, actor,
                                                            data=parse_form(InvitationCreate, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "auth/people.html", values, exc, await _people_context(session, actor))
    context = await _people_context(session, actor)
    context.update(invitation=invitation,
                   invitation_link=f"{str(request.base_url).rstrip('/')}/signup?token={token}")
    return render(request, "auth/people.html", context)
