"""Who may do what: the `Actor`, `require()` for an organisation's data and `authorize()` for an
object the actor relates to in other ways (a mission's partner, a participant, a report's reporter).

Authorisation lives in services: every service that reads or changes an organisation's data calls
`require(actor, "<permission>", org_id)` or `authorize(actor, "<action>", relations, ...)` first.
Both read one table, `redhive.auth.policy.POLICY` (action × relationship → roles): add actions there.
Platform admins pass every check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from redhive.auth import policy
from redhive.auth.policy import Relation
from redhive.errors import NotAuthenticated, PermissionDenied

__all__ = ["ANONYMOUS", "PERMISSION_ROLES", "ROLE_PERMISSIONS", "Actor", "authorize", "can", "has_permission",
           "require", "require_platform_admin", "require_user"]

_ALL = policy.ROLES

#: permission -> the roles (in the object's organisation) that hold it: the `member` column of
#: the one authorisation table, redhive.auth.policy.POLICY (add new actions there).
PERMISSION_ROLES: dict[str, frozenset[str]] = {
    action: row[policy.MEMBER] for action, row in policy.POLICY.items() if policy.MEMBER in row
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
    #: A platform admin whose admin powers wait for a second factor (settings.admin_second_factor).
    needs_second_factor: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def role_in(self, org_id: str) -> str | None:
        return self.memberships.get(org_id)

    def relations(self, org_id: str | None) -> set[Relation]:
        """The actor's `member` relation to an object owned by `org_id` (policy.member_relations)."""
        return policy.member_relations(self.memberships, org_id)

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
        if actor.needs_second_factor:
            raise PermissionDenied("Platform admins act as admins only with a second factor: turn on the "
                                   "authenticator code on your account page, then log in again.")
        raise PermissionDenied("Only platform admins may do this.")


def can(actor: Actor, action: str, relations: Iterable[Relation]) -> bool:
    """Whether the actor may do `action` on an object it has these relations to (policy.POLICY)."""
    return actor.is_authenticated and policy.allows(actor.is_platform_admin, action, relations)


def authorize(actor: Actor, action: str, relations: Iterable[Relation], *, kind: str, object_id: str,
              why: str = "") -> None:
    """401 anonymous; 404 where the object's existence is sensitive and the actor may not view it;
    403 otherwise (policy.authorize)."""
    policy.authorize(actor.user_id, actor.is_platform_admin, action, relations, kind=kind, object_id=object_id,
                     why=why)
