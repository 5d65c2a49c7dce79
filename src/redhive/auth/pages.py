"""Pages of accounts: log in (with the second factor's code when the account has one), log out, sign
up from an invitation, the account page (API tokens, sessions, the second factor)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth import login as accounts
from redhive.auth import service, totp
from redhive.auth.permissions import Actor
from redhive.auth.schemas import (
    ApiTokenCreate,
    CodeRequest,
    InvitationCreate,
    LoginRequest,
    SignupRequest,
    VettingUpdate,
)
from redhive.auth.sessions import clear_session_cookie, client_address, log_in
from redhive.errors import Conflict, InvalidInput, NotAuthenticated, RedhiveError, TooManyRequests
from redhive.settings import Settings
from redhive.web.deps import ActorDep, SecretBoxDep, SessionDep, SettingsDep, UserDep
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
        user = await accounts.password_step(session, email=data.email, password=data.password,
                                            address=client_address(request), limits=settings.login_limits())
    except (InvalidInput, NotAuthenticated, TooManyRequests) as exc:
        reject(request, "auth/login.html", {**values, "password": ""}, exc, {"next": target})
    if user.totp_enabled_at is not None:  # the password was right; the code is still due
        response = redirect(request, f"/login/code?next={quote(target)}")
        await log_in(session, response, user, settings, request, pending=True)
        return response
    return await _logged_in(request, session, settings, user, target)


async def _logged_in(request: Request, session: SessionDep, settings: Settings, user: Any, target: str) -> Response:
    if settings.requires_admin_second_factor and user.is_platform_admin and user.totp_enabled_at is None:
        response = redirect(request, "/account/totp", "Platform admins act as admins only with a second factor: "
                            "set up your authenticator app now.", "info")
    else:
        response = redirect(request, target, f"Welcome back, {user.display_name}.")
    await log_in(session, response, user, settings, request)
    return response


@router.get("/login/code")
async def login_code_form(request: Request, session: SessionDep, settings: SettingsDep,
                          next: str | None = None) -> Response:
    await service.pending_login(session, request.cookies.get(settings.session_cookie_name, ""))
    return render(request, "auth/login_code.html", {"next": _safe_next(next)})


@router.post("/login/code")
async def login_code_submit(request: Request, session: SessionDep, settings: SettingsDep,
                            box: SecretBoxDep) -> Response:
    values = await read_form(request)
    target = _safe_next(values.get("next"))
    cookie = request.cookies.get(settings.session_cookie_name, "")
    user = await service.pending_login(session, cookie)
    try:
        data = parse_form(CodeRequest, values)
        await accounts.code_step(session, user, code=data.code, address=client_address(request),
                                 limits=settings.login_limits(), box=box)
    except (InvalidInput, NotAuthenticated, TooManyRequests) as exc:
        reject(request, "auth/login_code.html", {"next": target}, exc, {"next": target})
    await service.end_session(session, cookie)  # a new token for the full login
    return await _logged_in(request, session, settings, user, target)


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
    await log_in(session, response, user, settings, request)
    return response


async def _account_context(request: Request, session: AsyncSession, actor: Actor) -> dict[str, Any]:
    return {"nav": "account", "tokens": await service.list_api_tokens(session, actor),
            "sessions": await accounts.list_sessions(session, actor),
            "current_session": getattr(request.state, "web_session_id", None),
            "second_factor": await accounts.totp_status(session, actor)}


@router.get("/account")
async def account(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "auth/account.html", await _account_context(request, session, actor))


@router.post("/account/sessions/{session_id}/revoke")
async def revoke_session(session_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    await accounts.revoke_session(session, actor, session_id=session_id)
    return redirect(request, "/account", "That session is logged out.")


@router.post("/account/sessions/revoke-others")
async def revoke_other_sessions(request: Request, session: SessionDep, actor: UserDep) -> Response:
    count = await accounts.revoke_other_sessions(session, actor,
                                                 keep=getattr(request.state, "web_session_id", None))
    return redirect(request, "/account", f"{count} other session(s) logged out.")


async def _totp_context(session: AsyncSession, actor: Actor, box: Any) -> dict[str, Any]:
    secret, uri = await accounts.start_totp(session, actor, box=box)
    return {"nav": "account", "secret": secret, "otpauth_uri": uri, "qr": Markup(totp.qr_svg(uri))}


@router.get("/account/totp")
async def totp_page(request: Request, session: SessionDep, actor: UserDep, box: SecretBoxDep) -> Response:
    """Set up the authenticator app: a QR code (and the otpauth URI and secret to type), then a code."""
    status = await accounts.totp_status(session, actor)
    if status.enabled_at is not None:
        return redirect(request, "/account", "Your second factor is already on.", "info")
    return render(request, "auth/totp.html", await _totp_context(session, actor, box))


@router.post("/account/totp")
async def totp_confirm(request: Request, session: SessionDep, actor: UserDep, box: SecretBoxDep) -> Response:
    values = await read_form(request)
    try:
        codes = await accounts.confirm_totp(session, actor, code=parse_form(CodeRequest, values).code, box=box)
    except (InvalidInput, Conflict) as exc:
        reject(request, "auth/totp.html", {}, exc, await _totp_context(session, actor, box))
    return render(request, "auth/totp.html", {"nav": "account", "recovery_codes": codes})


@router.post("/account/totp/disable")
async def totp_disable(request: Request, session: SessionDep, actor: UserDep, box: SecretBoxDep) -> Response:
    values = await read_form(request)
    try:
        await accounts.disable_totp(session, actor, code=parse_form(CodeRequest, values).code, box=box)
    except (InvalidInput, Conflict) as exc:
        reject(request, "auth/account.html", {}, exc, await _account_context(request, session, actor))
    return redirect(request, "/account", "Your second factor is off: logins need the password only.", "info")


@router.post("/account/tokens")
async def create_token(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        data = parse_form(ApiTokenCreate, values)
        row, token = await service.create_api_token(session, actor, data=data)
    except InvalidInput as exc:
        reject(request, "auth/account.html", values, exc, await _account_context(request, session, actor))
    return render(request, "auth/account.html", {**await _account_context(request, session, actor),
                                                 "new_token": token, "new_token_name": row.name})


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


@router.post("/admin/users/{user_id}/sessions/revoke")
async def people_revoke_sessions(user_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    count = await accounts.revoke_user_sessions(session, actor, user_id=user_id)
    return redirect(request, "/admin/users", f"{count} session(s) of that account logged out.")


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
