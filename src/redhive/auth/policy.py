"""Authorisation as data: one table of action × relationship → roles that every service consults.

A *relationship* is how the actor stands to the object an action touches, found by the object's
domain (`missions.service.mission_relations`, `orgs.service.system_relations`, …):

    member        the actor's role in the organisation that owns the object
    grantee       the actor's role in an organisation the object's AI system was granted to
    organiser     the actor's role in the organisation running a mission
    partner       the actor's role in a partner organisation of a (joint) mission
    observer_org  the actor's role in an organisation observing a mission (a regulator)
    participant   takes part in the mission (role: the participant role)
    invitee       holds a pending, unexpired invitation to the mission
    reporter      filed the report
    recipient     the actor's role in an organisation a sharing agreement covering the flaw names
    starter       started the job (redhive.jobs)
    notified      the actor's role in an organisation a forwarded transfer notice or an incident
                  notification was sent to

An action is allowed when any of the actor's relations to the object appears in the action's row
with the actor's role there (`ANY`: whatever the role). Platform admins pass every check but the
`PERSONAL` ones (being a participant is a fact, not a power). The
`member` column is what `permissions.has_permission(actor, action, org_id)` reads; the rows of
`PERMISSION_ROLES` are derived from it, so there is one table, not two.

Objects whose very existence is sensitive (a mission, a report, a flaw, a system version another
organisation owns) are refused as 404 to whoever may not view them (`authorize(..., view=...)`):
"absent" and "forbidden" read the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from redhive.errors import NotAuthenticated, NotFound, PermissionDenied

__all__ = ["ANY", "HIDDEN", "PERSONAL", "POLICY", "RELATIONSHIPS", "Relation", "allows", "authorize",
           "member_relations"]

ADMIN, COORDINATOR, TRIAGER, RED_TEAMER, OBSERVER = "admin", "coordinator", "triager", "red_teamer", "observer"
ROLES = frozenset({ADMIN, COORDINATOR, TRIAGER, RED_TEAMER, OBSERVER})
STAFF = frozenset({ADMIN, COORDINATOR})
TRIAGE = frozenset({ADMIN, COORDINATOR, TRIAGER})
WORKERS = frozenset({ADMIN, COORDINATOR, TRIAGER, RED_TEAMER})  # every role but the read-only observer
ANY = frozenset({"*"})

MEMBER, GRANTEE = "member", "grantee"
ORGANISER, PARTNER, OBSERVER_ORG = "organiser", "partner", "observer_org"
PARTICIPANT, INVITEE, REPORTER = "participant", "invitee", "reporter"
RECIPIENT, NOTIFIED, STARTER = "recipient", "notified", "starter"
RELATIONSHIPS = (MEMBER, GRANTEE, ORGANISER, PARTNER, OBSERVER_ORG, PARTICIPANT, INVITEE, REPORTER, RECIPIENT,
                 NOTIFIED, STARTER)

#: (relationship, role): role is an organisation role, a participant role, or "*".
Relation = tuple[str, str]

#: action -> relationship -> the roles that hold the action through it.
POLICY: dict[str, Mapping[str, frozenset[str]]] = {
    # organisations and members
    "org.view": {MEMBER: ROLES},
    "org.update": {MEMBER: frozenset({ADMIN})},
    "members.view": {MEMBER: TRIAGE},
    "members.manage": {MEMBER: frozenset({ADMIN})},
    "audit.view": {MEMBER: frozenset({ADMIN})},
    # AI systems and versions
    "systems.view": {MEMBER: WORKERS, GRANTEE: ROLES},
    "systems.manage": {MEMBER: STAFF},
    "systems.grant": {MEMBER: frozenset({ADMIN})},
    #: The upstream endpoint and whether a credential is set (never the credential itself).
    "systems.view_upstream": {MEMBER: STAFF},
    #: Run tests on the system's upstream (its credential, its bill): replays, transfer tests.
    "systems.test": {MEMBER: TRIAGE},
    # missions: creating one in an organisation, then acting on one
    "missions.view": {MEMBER: ROLES},
    "missions.manage": {MEMBER: STAFF},
    "mission.view": {ORGANISER: ROLES, PARTNER: ROLES, OBSERVER_ORG: ROLES, PARTICIPANT: ANY, INVITEE: ANY},
    #: Edit the scope and terms, move the status (pause, close…), add organisations, gateway settings.
    "mission.manage": {ORGANISER: STAFF},
    #: Run the cohort with the organiser: select, invite, see invitations, keys and transcripts of others.
    "mission.run": {ORGANISER: STAFF, PARTNER: STAFF},
    #: File flaw reports under the mission (observers, documented read-only, never do).
    "mission.report": {ORGANISER: WORKERS, PARTNER: WORKERS, PARTICIPANT: ANY},
    #: Acknowledge the terms, use the playground, hold a gateway key.
    "mission.participate": {PARTICIPANT: ANY},
    # the network
    "network.review": {MEMBER: TRIAGE},
    "network.decide": {MEMBER: STAFF},
    # findings
    "findings.view": {MEMBER: TRIAGE, REPORTER: ANY},
    "findings.triage": {MEMBER: TRIAGE},
    "findings.assess": {MEMBER: TRIAGE},
    "findings.remediate": {MEMBER: STAFF},
    "findings.webhooks": {MEMBER: frozenset({ADMIN})},
    #: Raise a field's sharing label (narrow its audience): free to the triage team and the reporter.
    "findings.label_raise": {MEMBER: TRIAGE, REPORTER: ANY},
    #: Lower one (widen its audience): a recorded decision of the owning organisation's staff.
    "findings.label_lower": {MEMBER: STAFF},
    #: The disclosure clocks of the organisation's reports and flaws; a first extension (up to 14 days).
    "findings.clocks": {MEMBER: TRIAGE},
    #: The organisation's sharing agreements: see them; make and revoke them (redhive.disclosure.sharing).
    "sharing.view": {MEMBER: TRIAGE},
    "sharing.manage": {MEMBER: STAFF},
    #: A flaw an agreement shares with the actor's organisation, redacted for its audience.
    "shared.view": {RECIPIENT: ROLES},
    #: Joint exercises (redhive.joint): the mission's consolidated report for whoever sees the mission
    #: (each flaw in it only as its owner shares it with them); a party accepts the joint agreement.
    "joint.report": {ORGANISER: ROLES, PARTNER: ROLES, OBSERVER_ORG: ROLES},
    "joint.accept": {MEMBER: STAFF},
    #: Transfer notices: the coordinating organisation reviews them and forwards or dismisses them; the
    #: flaw's owner follows them; the developer of the affected system sees only what was forwarded.
    "transfers.review": {MEMBER: TRIAGE},
    "transfers.forward": {MEMBER: STAFF},
    "transfer.receive": {NOTIFIED: ROLES},
    "transfer.acknowledge": {NOTIFIED: TRIAGE},
    #: Incidents (redhive.incidents): the owning organisation's triage team records them; its staff send
    #: them to other organisations; a notified organisation reads its share and acknowledges it.
    "incidents.view": {MEMBER: TRIAGE},
    "incidents.manage": {MEMBER: TRIAGE},
    "incidents.notify": {MEMBER: STAFF},
    "incident.shared": {NOTIFIED: ROLES},
    "incident.acknowledge": {NOTIFIED: TRIAGE},
    #: A further extension, or a longer one: a recorded decision of the organisation's staff.
    "findings.clocks_decide": {MEMBER: STAFF},
    #: Duplicate suggestions name other reports (titles, ids, flaws): the organisation's triagers only.
    "findings.suggestions": {MEMBER: TRIAGE},
    #: Review escalated hazard exchanges of missions the organisation runs (with background_checked vetting).
    "safeguards.review": {MEMBER: STAFF},
    # jobs (redhive.jobs): the organisation's triage team follows them; its staff may stop any
    "jobs.view": {MEMBER: TRIAGE, STARTER: ANY},
    "jobs.cancel": {MEMBER: STAFF, STARTER: ANY},
}

#: Actions that state what the person themself is (a participant), not a power: platform admins do
#: not hold them by being admins.
PERSONAL = frozenset({"mission.participate"})

#: object kind -> the action that lets one know it exists; refusals to others are 404.
HIDDEN: dict[str, str] = {"mission": "mission.view", "report": "findings.view", "flaw": "findings.triage",
                          "system version": "systems.view", "job": "jobs.view",
                          "transfer notice": "transfer.receive", "incident": "incident.shared"}


def member_relations(memberships: Mapping[str, str], org_id: str | None) -> set[Relation]:
    role = memberships.get(org_id) if org_id is not None else None
    return {(MEMBER, role)} if role else set()


def allows(is_platform_admin: bool, action: str, relations: Iterable[Relation]) -> bool:
    """Whether one of `relations` holds `action` (platform admins hold every action)."""
    row = POLICY.get(action)
    if row is None:
        raise KeyError(f"unknown action {action!r}: add it to redhive.auth.policy.POLICY")
    if is_platform_admin and action not in PERSONAL:
        return True
    for relationship, role in relations:
        roles = row.get(relationship)
        if roles is not None and (role in roles or roles is ANY):
            return True
    return False


def authorize(user_id: str | None, is_platform_admin: bool, action: str, relations: Iterable[Relation], *,
              kind: str, object_id: str, why: str = "") -> None:
    """Raise NotAuthenticated (anonymous), NotFound (the object's existence is sensitive and the actor
    may not even view it: the same answer as for an object that does not exist), or PermissionDenied."""
    if user_id is None:
        raise NotAuthenticated("You are not logged in: log in (or send an API token) and try again.")
    relations = set(relations)
    if allows(is_platform_admin, action, relations):
        return
    view = HIDDEN.get(kind)
    if view is not None and (view == action or not allows(is_platform_admin, view, relations)):
        raise NotFound(f"There is no {kind} {object_id} that you can see.")
    raise PermissionDenied(why or f"You may not do this ({action}) on this {kind}: ask its organisation's admins.")
