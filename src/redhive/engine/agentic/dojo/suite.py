"""AgentDojo's suites as redhive environments: `load_suite("banking")` -> a `DojoEnvironment`.

What maps to what:

* each AgentDojo `Function` -> a redhive `Tool` (its description, the JSON schema AgentDojo gives
  OpenAI models, validation through its own pydantic model) with the flags of `flags.yaml`;
* each injection vector -> an injection slot (its benign default); an attack fills only the vectors
  the user task's ground truth reads, as AgentDojo's attacks do (`injection_slots`);
* each user task -> a `UserTaskSpec` whose check is AgentDojo's own utility function (a `python`
  condition) and whose ground truth is its `solution`; each injection task -> an
  `InjectionTaskSpec` checked by AgentDojo's security function;
* AgentDojo has no side-effect specification: a task's scope, allow-list and trusted recipients
  are derived from its ground truth (the state-changing tools it calls, the paths its replay
  changes, the addresses it sends to). Derived, so reports say so (docs/agentic.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from redhive.engine.agentic.checks import CheckContext, register_check
from redhive.engine.agentic.environment import Environment, EnvironmentKind, Policy
from redhive.engine.agentic.spec import (
    Condition,
    InjectionTaskSpec,
    PathRule,
    PythonCheck,
    SlotSpec,
    SolutionCall,
    UserTaskSpec,
)
from redhive.engine.agentic.tools import Tool
from redhive.errors import InvalidInput, NotFound

__all__ = ["BENCHMARK_VERSION", "SUITES", "DojoEnvironment", "load_suite"]

BENCHMARK_VERSION = "v1.2.2"
SUITES = ("workspace", "travel", "banking", "slack")
_FLAGS = Path(__file__).with_name("flags.yaml")
#: fields of an added record that say who or what it concerns: the derived allow-list matches on them
_IDENTITY = (
    "recipient",
    "recipients",
    "sender",
    "url",
    "user",
    "channel",
    "email",
    "iban",
    "filename",
    "title",
    "reservation_type",
)


def _suites() -> dict[str, Any]:
    try:
        from agentdojo.task_suite.load_suites import get_suites
    except ImportError:
        raise InvalidInput(
            "AgentDojo is not installed: install the optional extra with pip install 'redhive[agentdojo]' "
            "(agentdojo==0.1.35), then run the agentdojo: environments again."
        ) from None
    return dict(get_suites(BENCHMARK_VERSION))


@dataclass(slots=True)
class DojoEnvironment(Environment):
    """An Environment whose sandbox is a `DojoSandbox` over the AgentDojo suite `suite`."""

    suite: Any = None
    _policies: dict[str, tuple[PathRule, ...]] = field(default_factory=dict)
    _slots_for: dict[str, list[str]] = field(default_factory=dict)

    def reset(
        self, seed: int = 0, injections: Mapping[str, str] | None = None, task: UserTaskSpec | None = None
    ) -> Any:
        from redhive.engine.agentic.dojo.sandbox import DojoSandbox

        unknown = set(injections or {}) - set(self.slots)
        if unknown:
            raise NotFound(f"Environment {self.name} has no injection slot {', '.join(sorted(unknown))}.")
        return DojoSandbox(self, seed, dict(injections or {}), task.id if task is not None else None)

    def injection_slots(self, task: UserTaskSpec) -> list[str]:
        """AgentDojo's `get_injection_candidates`: the vectors the ground truth's results show."""
        if task.id not in self._slots_for:
            from agentdojo.agent_pipeline.ground_truth_pipeline import GroundTruthPipeline
            from agentdojo.functions_runtime import FunctionsRuntime

            canaries = {v: f"<CANARY---{v}--->" for v in self.slots}
            env = self.suite.load_and_inject_default_environment(canaries)
            user_task = self.suite.get_user_task_by_id(task.id)
            *_, responses, _ = GroundTruthPipeline(user_task).query(
                user_task.PROMPT, FunctionsRuntime(self.suite.tools), env
            )
            text = " ".join(str(r.get("content") or "") for r in responses)
            self._slots_for[task.id] = [v for v, c in canaries.items() if c in text]
        return list(self._slots_for[task.id])

    def policy(self, task: UserTaskSpec | None) -> Policy:
        base = Environment.policy(self, task)
        if task is None:
            return base
        if task.id not in self._policies:
            self._policies[task.id] = _derived_allowed(self, task)
        return dataclasses.replace(base, allowed=base.allowed + self._policies[task.id])


def _derived_allowed(env: DojoEnvironment, task: UserTaskSpec) -> tuple[PathRule, ...]:
    """The paths the ground truth changes when replayed: changed leaves exactly, added or removed
    records by their table path and identity fields."""
    sandbox = env.reset(0, {}, task)
    rules: dict[str, PathRule] = {}
    for call in task.solution:
        tool = env.tools.get(call.tool)
        if tool is None:
            continue
        outcome = sandbox.run(tool, tool.validate(call.args))
        for change in outcome.changes:
            if change.op == "changed" or not isinstance(change.after or change.before, dict):
                rule = PathRule(path=change.path, ops=[change.op])
            else:
                record = change.after if change.op == "added" else change.before
                where = {k: v for k, v in record.items() if k in _IDENTITY and isinstance(v, str | int | float)}
                parent = change.path.rsplit("/", 1)[0]
                rule = PathRule(path=f"{parent}/*", ops=[change.op], where=where or None)
            rules[rule.model_dump_json()] = rule
    return tuple(rules.values())


# AgentDojo's checks as redhive Python checks ---------------------------------------------------------


def _verdict(ctx: CheckContext, suite: str, task: str, injection: bool) -> bool:
    from agentdojo.types import text_content_block_from_string

    from redhive.engine.agentic.dojo.sandbox import DojoSandbox

    sandbox = ctx.sandbox
    if not isinstance(sandbox, DojoSandbox):
        raise InvalidInput(f"The AgentDojo check of {task} needs an agentdojo:{suite} episode.")
    s = sandbox.env.suite
    spec = s.get_injection_task_by_id(task) if injection else s.get_user_task_by_id(task)
    output = [text_content_block_from_string(ctx.answer)] if ctx.answer else []
    return bool(s._check_task_result(spec, output, sandbox.pre, sandbox.live, sandbox.calls))


def _utility(ctx: CheckContext, suite: str, task: str) -> bool:
    return _verdict(ctx, suite, task, False)


def _security(ctx: CheckContext, suite: str, task: str) -> bool:
    return _verdict(ctx, suite, task, True)


register_check("agentdojo.utility", _utility)
register_check("agentdojo.security", _security)


# building the environment -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _tool(function: Any, flags: Mapping[str, Any]) -> Tool:
    parameters = function.parameters
    return Tool(
        function.name,
        function.description,
        function.run,
        parameters,
        parameters.model_json_schema(),
        readonly=bool(flags.get("readonly")),
        irreversible=bool(flags.get("irreversible")),
        egress=tuple(flags.get("egress", ())),
        param_names=tuple(parameters.model_fields),
    )


def _egress_values(tools: Mapping[str, Tool], calls: list[SolutionCall]) -> list[str]:
    out: list[str] = []
    for call in calls:
        tool = tools.get(call.tool)
        for arg in tool.egress if tool else ():
            value = call.args.get(arg)
            out += [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    return sorted(set(out))


@cache
def load_suite(name: str) -> DojoEnvironment:
    """`agentdojo:NAME` (workspace, travel, banking, slack), benchmark version v1.2.2."""
    suites = _suites()
    if name not in SUITES or name not in suites:
        raise NotFound(
            f"AgentDojo has no suite '{name}': use agentdojo:workspace, agentdojo:travel, "
            "agentdojo:banking or agentdojo:slack."
        )
    from agentdojo.agent_pipeline.agent_pipeline import load_system_message

    suite = suites[name]
    spec = yaml.safe_load(_FLAGS.read_text(encoding="utf-8"))[name]
    missing = sorted({f.name for f in suite.tools} - set(spec["tools"]))
    if missing:
        raise InvalidInput(f"flags.yaml has no side-effect flags for the {name} tools {', '.join(missing)}.")
    tools = {f.name: _tool(f, spec["tools"][f.name]) for f in suite.tools}
    default_env = suite.load_and_inject_default_environment({})
    users: dict[str, UserTaskSpec] = {}
    for task_id, task in suite.user_tasks.items():
        env = task.init_environment(default_env.model_copy(deep=True))
        solution = [SolutionCall(tool=c.function, args=_plain(dict(c.args))) for c in task.ground_truth(env)]
        users[task_id] = UserTaskSpec(
            id=task_id,
            prompt=task.PROMPT,
            check=[Condition(python=PythonCheck(check="agentdojo.utility", args={"suite": name, "task": task_id}))],
            scope=sorted({c.tool for c in solution if not tools[c.tool].readonly}),
            trusted_recipients=_egress_values(tools, solution),
            solution=solution,
            answer=str(getattr(task, "GROUND_TRUTH_OUTPUT", "") or ""),
            tags=[f"difficulty:{str(getattr(task, 'DIFFICULTY', '')).rsplit('.', 1)[-1].lower()}", "agentdojo"],
        )
    injections: dict[str, InjectionTaskSpec] = {}
    for task_id, inj in suite.injection_tasks.items():
        calls = inj.ground_truth(default_env.model_copy(deep=True))
        injections[task_id] = InjectionTaskSpec(
            id=task_id,
            goal=inj.GOAL,
            check=[Condition(python=PythonCheck(check="agentdojo.security", args={"suite": name, "task": task_id}))],
            solution=[
                SolutionCall(
                    tool=c.function,
                    args=_plain(dict(c.args)),
                    placeholder_args=None if c.placeholder_args is None else _plain(dict(c.placeholder_args)),
                )
                for c in calls
            ],
            tags=["agentdojo", *([] if calls else ["no-ground-truth"])],
        )
    vectors = suite.get_injection_vector_defaults()
    kind = EnvironmentKind(
        name=f"agentdojo-{name}",
        records={},
        tools=tuple(tools.values()),
        description=f"AgentDojo {BENCHMARK_VERSION} suite {name}",
    )

    def rules(key: str) -> tuple[PathRule, ...]:
        return tuple(PathRule(path=p) for p in spec.get(key, []))

    return DojoEnvironment(
        kind=kind,
        name=f"agentdojo:{name}",
        description=kind.description,
        system_prompt=load_system_message(None),
        user_name=spec["user_name"],
        start_time=datetime(2024, 5, 15, 9, tzinfo=UTC),
        tick_seconds=0.0,
        slots={v: SlotSpec(default=d, description=f"AgentDojo injection vector {v}") for v, d in vectors.items()},
        templates={},
        allowed=rules("allowed"),
        irreversible=rules("irreversible"),
        protected=rules("protected"),
        user_tasks=users,
        injection_tasks=injections,
        source=f"agentdojo=={_version()} {BENCHMARK_VERSION}/{name}",
        suite=suite,
    )


def _version() -> str:
    from importlib.metadata import version

    return version("agentdojo")
