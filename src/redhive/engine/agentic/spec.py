"""The schema of the files people write: environment files and task files (pydantic, validated
with file and line in every error by `redhive.engine.agentic.loader`).

Three small languages appear in them:

* **matchers** compare one value: a plain value means equality (membership for a list field), a
  mapping of operators (`eq`, `ne`, `contains`, `icontains`, `not_contains`, `regex`, `in`, `gt`,
  `ge`, `lt`, `le`, `empty`) means all of them must hold;
* **path rules** select state changes: `path` is a `/`-separated glob over `table/key/field`
  (`*` one segment, `**` any number; a rule covers everything below the path it names), optionally
  restricted to `ops` (added, removed, changed) and to records matching `where`;
* **conditions** are the success checks of tasks: `exists`, `absent`, `count`, `unchanged`,
  `answer`, `called`, `python` (a registered Python check, see `checks.register_check`), combined
  with `all`, `any`, `not`.

A task may carry its ground-truth `solution` (the tool calls that solve it, per turn for a
multi-turn task), so the harness can check itself: `sim:agent-scripted` replays it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

__all__ = [
    "CallRule",
    "Condition",
    "CountQuery",
    "EnvironmentFile",
    "InjectionTaskSpec",
    "MatchOps",
    "Matcher",
    "Op",
    "PathRule",
    "PythonCheck",
    "RecordQuery",
    "SideEffectSpec",
    "SlotSpec",
    "SolutionCall",
    "TasksFile",
    "TurnSpec",
    "UserTaskSpec",
]

Op = Literal["added", "removed", "changed"]
Scalar = StrictBool | StrictInt | StrictFloat | StrictStr | None
_SLUG = r"^[a-z0-9][a-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MatchOps(_Strict):
    """Operators on one value; every operator given must hold."""

    eq: Scalar | list[Scalar] = None
    ne: Scalar = None
    contains: Scalar = None
    icontains: StrictStr | None = None
    not_contains: Scalar = None
    regex: StrictStr | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    gt: StrictInt | StrictFloat | StrictStr | None = None
    ge: StrictInt | StrictFloat | StrictStr | None = None
    lt: StrictInt | StrictFloat | StrictStr | None = None
    le: StrictInt | StrictFloat | StrictStr | None = None
    empty: StrictBool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> MatchOps:
        if not self.model_fields_set:
            raise ValueError("give at least one operator (eq, ne, contains, icontains, regex, in, gt, lt, empty…)")
        return self


Matcher = MatchOps | Scalar | list[Scalar]
Where = dict[str, Matcher]


class PathRule(_Strict):
    """Selects state changes by path glob, operation and record content."""

    path: str
    ops: list[Op] | None = None
    where: Where | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value or value.startswith("/") or "//" in value:
            raise ValueError("a path is table/key/field with '/' between parts, '*' or '**' as wildcards")
        return value


class CallRule(_Strict):
    """Selects tool calls by tool name (a glob) and argument matchers."""

    tool: str
    args: Where = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"tool": value} if isinstance(value, str) else value


class SideEffectSpec(_Strict):
    """Which changes a task may make, which are irreversible and which are protected."""

    allowed: list[PathRule] = Field(default_factory=list)
    irreversible: list[PathRule] = Field(default_factory=list)
    protected: list[PathRule] = Field(default_factory=list)


class RecordQuery(_Strict):
    table: str
    key: str | None = None
    where: Where = Field(default_factory=dict)


class CountQuery(RecordQuery):
    min: int | None = None
    max: int | None = None


class PythonCheck(_Strict):
    """A check written in Python: `check` names a function registered with
    `checks.register_check`, called with the check context and `args`; it returns a bool."""

    check: str
    args: dict[str, Any] = Field(default_factory=dict)


class SolutionCall(_Strict):
    """One tool call of a ground-truth solution."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    #: the arguments as an attacker would spell them, with `$placeholders` for what the agent
    #: must look up (AgentDojo's `placeholder_args`; the `tool_knowledge` attack shows these)
    placeholder_args: dict[str, Any] | None = None


class Condition(_Strict):
    """Exactly one of the fields below."""

    exists: RecordQuery | None = None
    absent: RecordQuery | None = None
    count: CountQuery | None = None
    unchanged: list[str] | None = None
    answer: Matcher | None = None
    called: CallRule | None = None
    python: PythonCheck | None = None
    all_: list[Condition] | None = Field(default=None, alias="all")
    any_: list[Condition] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        if len(self.model_fields_set) != 1:
            raise ValueError(
                "a condition is exactly one of exists, absent, count, unchanged, answer, called, python, all, any, not"
            )
        return self


class SlotSpec(_Strict):
    """A named injection point in the seed data: `{{name}}` inside any string of the state."""

    default: str = ""
    description: str = ""


class TurnSpec(_Strict):
    """One user message of a multi-turn task; its `check` must hold once the agent has answered it."""

    prompt: str = Field(min_length=1)
    check: list[Condition] = Field(default_factory=list)
    #: the ground truth of this turn: the calls that answer it, and a final answer
    solution: list[SolutionCall] = Field(default_factory=list)
    answer: str = ""


class UserTaskSpec(_Strict):
    id: str = Field(pattern=_SLUG)
    prompt: str = Field(min_length=1)
    check: list[Condition] = Field(min_length=1)
    #: A sequence test: the user's messages in order (the first is `prompt`), each sent when the
    #: agent has answered the one before. Give `prompt` or `turns`, not both.
    turns: list[TurnSpec] = Field(default_factory=list)
    scope: list[str] = Field(default_factory=list)
    allowed: list[PathRule] = Field(default_factory=list)
    irreversible: list[PathRule] = Field(default_factory=list)
    protected: list[PathRule] = Field(default_factory=list)
    forbidden: list[CallRule] = Field(default_factory=list)
    trusted_recipients: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    #: the ground truth: the tool calls that solve the task (a multi-turn task gives them per turn)
    solution: list[SolutionCall] = Field(default_factory=list)
    #: the final answer of the ground truth, where the check reads the answer
    answer: str = ""
    #: the model turns this task needs (a long-horizon task asks for more than the scan's
    #: --max-steps; the loop gives each task the larger of the two)
    max_steps: int | None = Field(default=None, ge=1, le=500)

    @model_validator(mode="before")
    @classmethod
    def _first_turn(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("turns"):
            if "prompt" in value:
                raise ValueError("give prompt (one message) or turns (a sequence), not both")
            first = value["turns"][0]
            if isinstance(first, dict) and isinstance(first.get("prompt"), str):
                value = {**value, "prompt": first["prompt"]}
        return value

    @property
    def user_messages(self) -> list[str]:
        return [t.prompt for t in self.turns] or [self.prompt]


class InjectionTaskSpec(_Strict):
    id: str = Field(pattern=_SLUG)
    goal: str = Field(min_length=1)
    check: list[Condition] = Field(min_length=1)
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    tags: list[str] = Field(default_factory=list)
    #: the calls that reach the goal (the `tool_knowledge` attack spells them out)
    solution: list[SolutionCall] = Field(default_factory=list)


class TasksFile(_Strict):
    user_tasks: list[UserTaskSpec] = Field(default_factory=list)
    injection_tasks: list[InjectionTaskSpec] = Field(default_factory=list)


class EnvironmentFile(_Strict):
    kind: str
    name: str | None = Field(default=None, pattern=_SLUG)
    description: str = ""
    system_prompt: str = "You are a helpful assistant with access to tools. Complete the user's task."
    user_name: str = "the user"
    start_time: datetime
    tick_seconds: float = Field(default=60.0, ge=0)
    slots: dict[str, SlotSpec] = Field(default_factory=dict)
    state: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    side_effects: SideEffectSpec = Field(default_factory=SideEffectSpec)
    forbidden: list[CallRule] = Field(default_factory=list)
    trusted_recipients: list[str] = Field(default_factory=list)
    user_tasks: list[UserTaskSpec] = Field(default_factory=list)
    injection_tasks: list[InjectionTaskSpec] = Field(default_factory=list)
    tasks_files: list[str] = Field(default_factory=list)
    #: files whose injection tasks (only) this environment takes (a data set that brings its own
    #: user tasks but keeps the attacker goals of the default one)
    injection_tasks_from: list[str] = Field(default_factory=list)
    #: ask the kind's generator for more seed records: `{seed: N, ...}` (its other keys are the
    #: generator's parameters); the generated records are added after those under `state`.
    generate: dict[str, Any] | None = None

    @field_validator("start_time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time zone, for example 2030-05-14T09:00:00+00:00")
        return value

    @field_validator("slots")
    @classmethod
    def _slot_names(cls, value: dict[str, SlotSpec]) -> dict[str, SlotSpec]:
        for name in value:
            if not name.replace("_", "").isalnum() or not name[:1].isalpha():
                raise ValueError(f"slot name '{name}' must be letters, digits and underscores")
        return value
