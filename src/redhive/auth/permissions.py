"""Who may do what: roles per organisation, permissions per role, the `Actor` and `require()`.

Authorisation lives in services: every service that reads or changes an organisation's data calls
`require(actor, "<permission>", org_id)` first. Platform admins pass every check. Domains add their
permissions to `PERMISSION_ROLES` below (one line per permission, so merges stay easy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from redhive.errors import NotAuthenticated, PermissionDenied

__all__ = ["ANONYMOUS", "PERMISSION_ROLES", "ROLE_PERMISSIONS", "Actor", "has_permission", "require",
           "require_platform_admin", "require_user"]

ADMIN, COORDINATOR, TRIAGER, RED_TEAMER, OBSERVER = "admin", "coordinator", "triager", "red_teamer", "observer"
_ALL = frozenset({ADMIN, COORDINATOR, TRIAGER, RED_TEAMER, OBSERVER})
_STAFF = frozenset({ADMIN, COORDINATOR})

#: permission -> the roles (in the object's organisation) that hold it.
PERMISSION_ROLES: dict[str, frozenset[str]] = {
    "org.view": _ALL,
    "org.update": frozenset({ADMIN}),
    "members.view": frozenset({ADMIN, COORDINATOR, TRIAGER}),
    "members.manage": frozenset({ADMIN}),
    "systems.view": frozenset({ADMIN, COORDINATOR, TRIAGER, RED_TEAMER}),
    "systems.manage": _STAFF,
    "systems.grant": frozenset({ADMIN}),
    #: The upstream endpoint and whether a credential is set (never the credential itself).
    "systems.view_upstream": _STAFF,
    "audit.view": frozenset({ADMIN}),
    "missions.view": _ALL,
    "missions.manage": _STAFF,
    "network.review": frozenset({ADMIN, COORDINATOR, TRIAGER}),
    "network.decide": _STAFF,
    "findings.view": frozenset({ADMIN, COORDINATOR, TRIAGER}),
    "findings.triage": frozenset({ADMIN, COORDINATOR, TRIAGER}),
    "findings.assess": frozenset({ADMIN, COORDINATOR, TRIAGER}),
    "findings.remediate": _STAFF,
    "findings.webhooks": frozenset({ADMIN}),
    #: Review escalated hazard exchanges of missions the organisation runs (with background_checked vetting).
    "safeguards.review": _STAFF,
}

#: role -> permissions, derived from the table above.
ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    role: frozenset(p for p, roles in PERMISSION_ROLES.items() if role in roles) for role in sorted(_ALL)
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user with their memberships (org id -> role), or anonymous."""

    user_id: str | None
    email: str = ""
    display_name: str = ""
    is_platform_admin: bool = False
    vetting_level: str = "self_declared"
    memberships: Mapping[str, str] = field(default_factory=dict)
    #: How the request authenticated: "session", "token", "password" (CLI/tests) or "" (anonymous).
    via: str = ""

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def role_in(self, org_id: str) -> str | None:
        return self.memberships.get(org_id)

    def org_ids(self, permission: str | None = None) -> list[str]:
        """The organisations where the actor holds `permission` (or any membership)."""
        return sorted(org for org, role in self.memberships.items()
                      if permission is None or role in PERMISSION_ROLES.get(permission, ()))


ANONYMOUS = Actor(user_id=None)


def has_permission(actor: Actor, permission: str, org_id: str | None) -> bool:
    if permission not in PERMISSION_ROLES:
        raise KeyError(f"unknown permission {permission!r}: add it to PERMISSION_ROLES")
    if not actor.is_authenticated:
        return False
    if actor.is_platform_admin:
        return True
    role = actor.role_in(org_id) if org_id is not None else None
    return role is not None and role in PERMISSION_ROLES[permission]


def require_user(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise NotAuthenticated("You are not logged in: log in (or send an API token) and try again.")


def require(actor: Actor, permission: str, org_id: str | None) -> None:
    """Raise NotAuthenticated (401) for anonymous actors, PermissionDenied (403) when the actor's
    role in `org_id` lacks `permission`."""
    require_user(actor)
    if not has_permission(actor, permission, org_id):
        role = actor.role_in(org_id) if org_id else None
        why = f"your role there is {role}" if role else "you are not a member of that organisation"
        raise PermissionDenied(f"You may not do this ({permission}): {why}. Ask an organisation admin.")


def require_platform_admin(actor: Actor) -> None:
    require_user(actor)
    if not actor.is_platform_admin:
        raise PermissionDenied("Only platform admins may do this.")
