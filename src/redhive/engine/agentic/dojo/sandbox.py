"""`DojoSandbox`: one episode over an AgentDojo environment (a mutable pydantic model), behind the
interface redhive's loop uses (`run`, `snapshot`, `restore`, `diff`, `state_hash`, `tables`,
`close`).

* Tools run through AgentDojo's own `FunctionsRuntime.run_function`, and results are formatted by
  its `tool_result_to_str`, so the model reads what it would read under AgentDojo. A failing tool is
  not rolled back (AgentDojo does not roll back either).
* State is the environment's `model_dump(mode="json")` after every call: diffs are structural over
  it (lists of records keyed by their `id`/`id_`, lists of strings by value, `/` in keys escaped
  as `%2F`), so path rules, monitors, side effects and hashes work as for native environments.
* `restore` rebuilds the environment from the stored dump (`model_validate`, round trip tested).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redhive.engine.agentic.sandbox import ToolOutcome
from redhive.engine.agentic.state import Change, canonical_json
from redhive.engine.agentic.tools import Tool

if TYPE_CHECKING:
    from redhive.engine.agentic.dojo.suite import DojoEnvironment

__all__ = ["DojoSandbox", "DojoSnapshot", "normalise", "plain_tree", "tree_diff"]


@dataclass(slots=True, frozen=True)
class DojoSnapshot:
    index: int
    ticks: int


def _key(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for name in ("id", "id_"):
            if name in item and isinstance(item[name], str | int):
                return str(item[name])
        return str(index)
    return str(item).replace("/", "%2F")


def plain_tree(value: Any) -> Any:
    """Lists become mappings keyed by record id (or the string itself), so diffs name records."""
    if isinstance(value, dict):
        return {str(k).replace("/", "%2F"): plain_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            key = _key(item, i)
            while key in out:
                key += "#"
            out[key] = plain_tree(item)
        return out
    return value


def tree_diff(before: Any, after: Any, path: str = "", parent: Mapping[str, Any] | None = None) -> list[Change]:
    """Structural diff of two `plain_tree`s; a record (a mapping) added or removed is one change
    carrying the record, a changed leaf carries its parent record (for `where` rules)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[Change] = []
        for k in [*before, *(k for k in after if k not in before)]:
            sub = f"{path}/{k}" if path else k
            if k not in after:
                old = before[k]
                out.append(Change(sub, "removed", old, None, old if isinstance(old, dict) else None))
            elif k not in before:
                new = after[k]
                out.append(Change(sub, "added", None, new, new if isinstance(new, dict) else None))
            else:
                out.extend(tree_diff(before[k], after[k], sub, after))
        return out
    if before == after:
        return []
    return [Change(path, "changed", before, after, parent)]


def normalise(text: str) -> str:
    """Letters and digits only, lower-case: finds a planted text in a YAML-folded tool result."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


class DojoSandbox:
    def __init__(self, env: DojoEnvironment, seed: int, injections: dict[str, str], task_id: str | None) -> None:
        from agentdojo.functions_runtime import FunctionsRuntime

        self.env = env
        self.seed = seed
        self.injections = injections
        suite = env.suite
        live = suite.load_and_inject_default_environment(injections)
        if task_id is not None:
            live = suite.get_user_task_by_id(task_id).init_environment(live)
        self.live = live
        self.pre = live.model_copy(deep=True)  # AgentDojo's pre_environment, for its checks
        self.runtime = FunctionsRuntime(suite.tools)
        self.calls: list[Any] = []  # every call run, as AgentDojo's FunctionCall (its checks read them)
        self.ticks = 0
        self._raw = [live.model_dump(mode="json")]  # the dumps to rebuild from (restore)
        self._trees = [plain_tree(self._raw[0])]
        self._hashes = [self._hash(self._trees[0], 0)]
        self._needles = {slot: normalise(text) for slot, text in injections.items() if len(normalise(text)) >= 8}
        self.ctx = None  # native environments' ToolContext; AgentDojo tools get the environment instead

    # the loop's interface ------------------------------------------------------------------------

    def tool_specs(self) -> list[dict[str, Any]]:
        return self.env.tool_specs()

    def execute(self, name: str, args: Any) -> ToolOutcome:
        """Validate and run one call by name (replay)."""
        from redhive.engine.agentic.sandbox import UnknownTool

        tool = self.env.tools.get(name)
        if tool is None:
            raise UnknownTool(f"unknown tool '{name}' (tools: {', '.join(self.env.tools)})")
        return self.run(tool, tool.validate(args))

    def run(self, tool: Tool, kwargs: dict[str, Any]) -> ToolOutcome:
        from agentdojo.agent_pipeline.tool_execution import tool_result_to_str
        from agentdojo.functions_runtime import FunctionCall

        started = time.perf_counter()
        self.ticks += 1
        self.calls.append(FunctionCall(function=tool.name, args=dict(kwargs), id=f"call_{len(self.calls)}"))
        result, error = self.runtime.run_function(self.live, tool.name, dict(kwargs))
        content = f"Error: {error}" if error else tool_result_to_str(result)
        raw = self.live.model_dump(mode="json")
        tree = plain_tree(raw)
        changes = tree_diff(self._trees[-1], tree)
        self._raw.append(raw)
        self._trees.append(tree)
        self._hashes.append(self._hash(tree, self.ticks))
        shown = normalise(content)
        seen = [slot for slot, needle in self._needles.items() if needle in shown]
        return ToolOutcome(content, error, changes, [], seen, self._hashes[-1], (time.perf_counter() - started) * 1000)

    def snapshot(self) -> DojoSnapshot:
        return DojoSnapshot(len(self._trees) - 1, self.ticks)

    def restore(self, snap: DojoSnapshot) -> None:
        """Back to the state at `snap`: the environment is rebuilt from that state's dump."""
        if snap.index == len(self._trees) - 1:
            return
        from agentdojo.functions_runtime import TaskEnvironment

        env_type: type[TaskEnvironment] = type(self.live)
        self.live = env_type.model_validate(self._raw[snap.index])
        del self._raw[snap.index + 1 :]
        del self._trees[snap.index + 1 :]
        del self._hashes[snap.index + 1 :]
        self.ticks = snap.ticks

    def diff(self, snap: DojoSnapshot | None = None) -> list[Change]:
        return tree_diff(self._trees[snap.index if snap else 0], self._trees[-1])

    @property
    def state_hash(self) -> str:
        return self._hashes[-1]

    def tables(self) -> dict[str, Mapping[str, Any]]:
        """The top-level parts of the environment (inbox, calendar, bank_account, …) as plain data."""
        return dict(self._trees[-1])

    def export(self) -> dict[str, Any]:
        return dict(self._trees[-1])

    def close(self) -> None:
        return None

    # internals ------------------------------------------------------------------------------------

    @staticmethod
    def _hash(tree: Any, ticks: int) -> str:
        return hashlib.sha256(f"{canonical_json(tree)}|{ticks}".encode()).hexdigest()
