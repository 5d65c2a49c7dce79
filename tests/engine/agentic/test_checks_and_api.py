"""Task checks (state-, answer- and trace-based conditions), custom monitors, the public API."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from redhive.engine.agentic import (
    CheckContext,
    Condition,
    Environment,
    EpisodePlan,
    Finding,
    Monitor,
    MonitorContext,
    ScriptedTarget,
    Tool,
    default_monitors,
    evaluate,
    run_episode,
)
from redhive.engine.types import Completion, ToolCall


def conditions(*raw: dict[str, Any]) -> list[Condition]:
    return [Condition.model_validate(r) for r in raw]


def test_conditions_on_state_answer_and_trace(workspace: Environment) -> None:
    sandbox = workspace.reset()
    sandbox.execute("delete_file", {"file_id": "f5"})
    state = sandbox.state
    ctx = CheckContext({t: state.view(t) for t in state.table_names}, sandbox.diff(), "The total is EUR 4,200.",
                       [("delete_file", {"file_id": "f5"})])
    passing = conditions(
        {"absent": {"table": "files", "where": {"name": "old-draft.txt"}}},
        {"exists": {"table": "inbox", "key": "m4", "where": {"recipients": {"contains": "li.wei@bluejay.example.test"},
                                                             "subject": {"regex": "^Team"}}}},
        {"count": {"table": "files", "min": 4, "max": 4}},
        {"unchanged": ["inbox", "events"]},
        {"answer": {"icontains": "4,200"}},
        {"called": {"tool": "delete_*", "args": {"file_id": "f5"}}},
        {"any": [{"answer": "nope"}, {"not": {"exists": {"table": "sent"}}}]},
        {"all": [{"count": {"table": "sent", "max": 0}}]},
    )
    result = evaluate(passing, ctx)
    assert result.passed, result.failures
    failing = conditions({"unchanged": ["files/f5"]}, {"called": {"tool": "send_email"}},
                         {"exists": {"table": "files", "where": {"name": {"in": ["a", "b"]}}}})
    result = evaluate(failing, ctx)
    assert not result.passed and len(result.failures) == 3
    assert '"unchanged":["files/f5"]' in result.failures[0]


class NoDeletes(Monitor):
    """A custom rule, as an environment kind would add for physical-safety constraints."""

    name = "no_deletes"

    def before(self, tool: Tool, args: Mapping[str, Any], ctx: MonitorContext) -> list[Finding]:
        return [Finding(self.name, "pre", "policy", "deleting is off")] if tool.name.startswith("delete") else []


async def test_custom_monitors_join_the_built_in_ones(workspace: Environment) -> None:
    target = ScriptedTarget([Completion("", (ToolCall("c1", "delete_file", '{"file_id": "f5"}'),))])
    plan = EpisodePlan(workspace, workspace.user_tasks["delete-old-draft"], None, None, "test:x", 0, 1, {})
    episode = await run_episode(target, plan, monitor_mode="halt", monitors=[*default_monitors(), NoDeletes()])
    assert episode.status == "halted" and [f.rule for f in episode.actions[0].findings] == ["no_deletes"]
    assert episode.final_hash == episode.initial_hash


def test_public_api_declares_all() -> None:
    mod = importlib.import_module("redhive.engine.agentic")
    assert mod.__all__ == sorted(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), name
    public = {n for n in vars(mod) if not n.startswith("_") and not isinstance(getattr(mod, n), type(importlib))}
    exposed = {n for n in public if getattr(getattr(mod, n), "__module__", "").startswith("redhive")}
    assert exposed <= set(mod.__all__)
