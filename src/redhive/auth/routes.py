"""JSON API of accounts: login/logout, who am I, personal API tokens, sessions, the second factor,
invitations and sign-up, users."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from redhive.auth import login as accounts
from redhive.auth import service
from redhive.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    CodeRequest,
    InvitationCreate,
    InvitationCreated,
    LoginRequest,
    MembershipBrief,
    MeRead,
    RecoveryCodes,
    RevokedCount,
    SessionRead,
    SignupRequest,
    TotpEnrolment,
    TotpStatusRead,
    UserCreate,
    UserRead,
    VettingUpdate,
)
from redhive.auth.sessions import clear_session_cookie, client_address, log_in
from redhive.web.deps import ActorDep, SecretBoxDep, SessionDep, SettingsDep, UserDep
from redhive.web.openapi import error_responses

router = APIRouter(prefix="/api", tags=["accounts"])


async def _me(session: SessionDep, actor: ActorDep, csrf_token: str | None) -> MeRead:
    user = await service.get_user(session, actor.user_id or "")
    rows = await service.memberships_of(session, actor)
    return MeRead(user=UserRead.model_validate(user), csrf_token=csrf_token,
                  memberships=[MembershipBrief(org_id=a, org_name=b, org_kind=c, role=d) for a, b, c, d in rows])


@router.post("/auth/login", response_model=MeRead, responses=error_responses(429))
async def login(data: LoginRequest, request: Request, response: Response, session: SessionDep,
                settings: SettingsDep, box: SecretBoxDep) -> MeRead:
    """Log in with email and password (and `code`, for an account with a second factor); sets the
    session cookie and returns the CSRF token to send as `X-CSRF-Token` on state-changing calls.
    Too many failures for the account or the address: 429 with Retry-After."""
    user = await accounts.api_log_in(session, email=data.email, password=data.password, code=data.code,
                                     address=client_address(request), limits=settings.login_limits(), box=box)
    web = await log_in(session, response, user, settings, request)
    actor = await service.load_actor(session, user, via="session",
                                     admin_second_factor=settings.requires_admin_second_factor)
    return await _me(session, actor, web.csrf_token)


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, session: SessionDep, settings: SettingsDep, actor: ActorDep) -> Response:
    cookie = request.cookies.get(settings.session_cookie_name)
    if cookie:
        await service.end_session(session, cookie)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/auth/me", response_model=MeRead)
async def me(request: Request, session: SessionDep, actor: UserDep) -> MeRead:
    return await _me(session, actor, getattr(request.state, "csrf_token", None))


@router.get("/auth/tokens", response_model=list[ApiTokenRead])
async def list_tokens(session: SessionDep, actor: UserDep) -> list[ApiTokenRead]:
    return [ApiTokenRead.model_validate(t) for t in await service.list_api_tokens(session, actor)]


@router.post("/auth/tokens", response_model=ApiTokenCreated, status_code=201)
async def create_token(data: ApiTokenCreate, session: SessionDep, actor: UserDep) -> ApiTokenCreated:
    row, token = await service.create_api_token(session, actor, data=data)
    return ApiTokenCreated(**ApiTokenRead.model_validate(row).model_dump(), token=token)


@router.delete("/auth/tokens/{token_id}", response_model=ApiTokenRead)
async def revoke_token(token_id: str, session: SessionDep, actor: UserDep) -> ApiTokenRead:
    return ApiTokenRead.model_validate(await service.revoke_api_token(session, actor, token_id=token_id))


@router.get("/auth/sessions", response_model=list[SessionRead])
async def list_sessions(request: Request, session: SessionDep, actor: UserDep) -> list[SessionRead]:
    """Your live logins (where from, since when); `current` marks this request's own."""
    here = getattr(request.state, "web_session_id", None)
    return [SessionRead.model_validate(w).model_copy(update={"current": w.id == here})
            for w in await accounts.list_sessions(session, actor)]


@router.delete("/auth/sessions/{session_id}", status_code=204)
async def revoke_session(session_id: str, session: SessionDep, actor: UserDep) -> Response:
    await accounts.revoke_session(session, actor, session_id=session_id)
    return Response(status_code=204)


@router.post("/auth/sessions/revoke-others", response_model=RevokedCount)
async def revoke_other_sessions(request: Request, session: SessionDep, actor: UserDep) -> RevokedCount:
    """Log out everywhere but here."""
    keep = getattr(request.state, "web_session_id", None)
    return RevokedCount(revoked=await accounts.revoke_other_sessions(session, actor, keep=keep))


@router.post("/users/{user_id}/sessions/revoke", response_model=RevokedCount)
async def revoke_user_sessions(user_id: str, session: SessionDep, actor: UserDep) -> RevokedCount:
    """Platform admins: log a user out everywhere."""
    return RevokedCount(revoked=await accounts.revoke_user_sessions(session, actor, user_id=user_id))


@router.get("/auth/totp", response_model=TotpStatusRead)
async def totp_status(session: SessionDep, actor: UserDep) -> TotpStatusRead:
    status = await accounts.totp_status(session, actor)
    return TotpStatusRead(enabled=status.enabled_at is not None, enabled_at=status.enabled_at,
                          recovery_codes_left=status.recovery_codes_left)


@router.post("/auth/totp/enrolment", response_model=TotpEnrolment)
async def totp_enrol(session: SessionDep, actor: UserDep, box: SecretBoxDep) -> TotpEnrolment:
    """Start (or show again) the set-up of the authenticator app; confirm it with a code."""
    secret, uri = await accounts.start_totp(session, actor, box=box)
    return TotpEnrolment(secret=secret, otpauth_uri=uri)


@router.post("/auth/totp/confirmation", response_model=RecoveryCodes)
async def totp_confirm(data: CodeRequest, session: SessionDep, actor: UserDep, box: SecretBoxDep) -> RecoveryCodes:
    """Turn the second factor on with the app's current code; returns the recovery codes, once."""
    return RecoveryCodes(recovery_codes=await accounts.confirm_totp(session, actor, code=data.code, box=box))


@router.post("/auth/totp/disable", status_code=204)
async def totp_disable(data: CodeRequest, session: SessionDep, actor: UserDep, box: SecretBoxDep) -> Response:
    await accounts.disable_totp(session, actor, code=data.code, box=box)
    return Response(status_code=204)


@router.post("/invitations", response_model=InvitationCreated, status_code=201)
async def create_invitation(data: InvitationCreate, session: SessionDep, actor: UserDep) -> InvitationCreated:
    from redhive.auth.schemas import InvitationRead

    invitation, token = await service.create_invitation(session, actor, data=data)
    return InvitationCreated(**InvitationRead.model_validate(invitation).model_dump(), token=token)


@router.post("/auth/signup", response_model=UserRead, status_code=201)
async def signup(data: SignupRequest, session: SessionDep) -> UserRead:
    """Create an account from an invitation token."""
    return UserRead.model_validate(await service.accept_invitation(session, data=data))


@router.get("/users", response_model=list[UserRead])
async def list_users(session: SessionDep, actor: UserDep) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in await service.list_users(session, actor)]


@router.post("/users", response_model=UserRead, status_code=201)
async def create_user(data: UserCreate, session: SessionDep, actor: UserDep) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, actor, data=data))


@router.put("/users/{user_id}/vetting", response_model=UserRead)
async def set_vetting(user_id: str, data: VettingUpdate, session: SessionDep, actor: UserDep) -> UserRead:
    return UserRead.model_validate(await service.set_vetting_level(session, actor, user_id=user_id,
                                                                   level=data.vetting_level))
