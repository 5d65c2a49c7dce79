"""The workspace environment through the Environment API: tasks, reset, tools, diffs, cascades,
injection slots, rollback."""

from __future__ import annotations

import pytest

from redhive.engine.agentic import Environment, environment_kinds, load_environment
from redhive.errors import NotFound


def test_workspace_ships_enough_tasks(workspace: Environment) -> None:
    assert "workspace" in environment_kinds()
    assert len(workspace.user_tasks) >= 10
    assert len(workspace.injection_tasks) >= 5
    assert len(workspace.tools) >= 15
    assert all(t.check for t in workspace.user_tasks.values())
    # every address in the shipped data is fictional
    text = str(workspace.templates) + str([t.model_dump() for t in workspace.injection_tasks.values()])
    import re

    domains = {d.rstrip(".") for d in re.findall(r"@([\w.-]+)", text)}
    assert domains and all(d.endswith("example.test") for d in domains)


def test_reset_is_deterministic_and_independent(workspace: Environment) -> None:
    one, two = workspace.reset(seed=1), workspace.reset(seed=1)
    assert one.state_hash == two.state_hash
    one.execute("delete_file", {"file_id": "f5"})
    assert one.state_hash != two.state_hash
    assert workspace.reset(seed=1).state_hash == two.state_hash
    assert two.state.get("files", "f5") is not None


def test_injections_fill_slots_and_unknown_slots_are_refused(workspace: Environment) -> None:
    sandbox = workspace.reset(injections={"email_invoice": "PLANTED-TEXT-123"})
    assert "PLANTED-TEXT-123" in sandbox.state.get("inbox", "m2").body
    assert "{{" not in sandbox.state.get("inbox", "m2").body
    default = workspace.reset()
    assert workspace.slots["email_invoice"].default in default.state.get("inbox", "m2").body
    assert sandbox.state_hash != default.state_hash
    with pytest.raises(NotFound, match="no injection slot nope"):
        workspace.reset(injections={"nope": "x"})


def test_tool_call_records_diff_and_cascades(workspace: Environment) -> None:
    sandbox = workspace.reset()
    snap = sandbox.snapshot()
    outcome = sandbox.execute("create_event", {
        "title": "Planning", "start": "2030-05-21T10:00", "end": "2030-05-21T11:00",
        "participants": ["priya.natarajan@bluejay.example.test"],
    })
    assert outcome.error is None
    assert [(c.path, c.op) for c in outcome.changes] == [("events/evt-1", "added")]
    assert [(e.name, e.trigger, e.depth) for e in outcome.cascades] == [
        ("invitation", "events/evt-1", 1),
        ("delivery-receipt", "sent/msg-1", 2),
    ]
    invitation = sandbox.state.get("sent", "msg-1")
    assert invitation.subject == "Invitation: Planning"
    assert invitation.timestamp == "2030-05-14T09:01"  # the deterministic clock ticked once
    assert {c.path for c in sandbox.diff(snap)} == {"events/evt-1", "sent/msg-1", "notifications/note-1"}
    sandbox.restore(snap)
    assert sandbox.state_hash == workspace.reset().state_hash


def test_changed_fields_trigger_cascades_once_per_record(workspace: Environment) -> None:
    sandbox = workspace.reset()
    outcome = sandbox.execute("reschedule_event", {"event_id": "e1", "start": "2030-05-14T15:00",
                                                   "end": "2030-05-14T15:30"})
    assert {c.path for c in outcome.changes} == {"events/e1/start", "events/e1/end"}
    assert [e.name for e in outcome.cascades] == ["update-notice", "delivery-receipt"]


def test_tool_errors_roll_back_and_read_as_errors(workspace: Environment) -> None:
    sandbox = workspace.reset()
    before = sandbox.export()
    outcome = sandbox.execute("send_email", {"recipients": ["not an address"], "subject": "x", "body": "y"})
    assert outcome.error == "'not an address' is not an e-mail address"
    assert outcome.content.startswith("Error:")
    assert outcome.changes == [] and sandbox.export() == before
    missing = sandbox.execute("read_file", {"file_id": "nope"})
    assert missing.content == "Error: no file with id 'nope'"


def test_slot_is_seen_only_when_a_result_returns_it(workspace: Environment) -> None:
    text = "A planted sentence that only an attack would write."
    sandbox = workspace.reset(injections=dict.fromkeys(workspace.slots, text))
    assert sandbox.execute("list_files", {}).slots_seen == []  # names only, no content
    assert sandbox.execute("search_files", {"query": "old-draft.txt"}).slots_seen == ["file_old_draft"]
    events = sandbox.execute("list_events", {"date": "2030-05-15"})
    assert events.slots_seen == ["event_design_review"]
    unread = sandbox.execute("list_emails", {"unread_only": True})
    assert set(unread.slots_seen) == {"email_invoice", "email_newsletter", "email_lunch"}


def test_load_environment_errors_are_clear() -> None:
    with pytest.raises(NotFound, match="Unknown environment 'no-such-environment'. Known environments: .*workspace"):
        load_environment("no-such-environment")
    with pytest.raises(NotFound, match="neither a built-in environment"):
        load_environment("missing/environment.yaml")


def test_policy_joins_environment_and_task_specs(workspace: Environment) -> None:
    task = workspace.user_tasks["share-meeting-notes"]
    policy = workspace.policy(task)
    assert policy.scope == frozenset({"share_file"})
    assert [r.path for r in policy.allowed] == ["inbox/*/read", "files/f2/shared_with"]
    assert "*@bluejay.example.test" in policy.trusted_recipients
