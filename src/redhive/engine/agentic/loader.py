"""Load environments and task files from YAML; every problem names the file and the line.

    load_environment("workspace")                          # a built-in kind with its shipped data
    load_environment("workspace", tasks=["my-tasks.yaml"])  # plus tasks of your own
    load_environment("path/to/environment.yaml")           # your own seed data for a known kind
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from redhive.engine.agentic.checks import check_names
from redhive.engine.agentic.environment import SLOT, Environment, EnvironmentKind, get_kind, get_provider
from redhive.engine.agentic.spec import (
    CallRule,
    Condition,
    EnvironmentFile,
    InjectionTaskSpec,
    PathRule,
    SolutionCall,
    TasksFile,
    UserTaskSpec,
)
from redhive.engine.agentic.tools import InvalidArguments
from redhive.engine.userfiles import read_text
from redhive.errors import NotFound, SuiteFileError

__all__ = ["EnvironmentFileError", "load_environment", "load_tasks", "loaded_environments"]

Loc = tuple[Any, ...]


class EnvironmentFileError(SuiteFileError):
    """An environment or task file could not be parsed or validated; names the file and the line."""


class _File:
    """A parsed YAML file and its node tree, to turn locations into line numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = read_text(path)
        except SuiteFileError as exc:
            raise EnvironmentFileError(exc.path, exc.line, exc.problem) from None
        try:
            self.root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise EnvironmentFileError(str(path), line, f"invalid YAML ({problem}).") from None

    def error(self, loc: Loc, problem: str) -> EnvironmentFileError:
        field = ".".join(str(p) for p in loc)
        text = f"{field}: {problem}" if field else problem
        return EnvironmentFileError(str(self.path), _line_of(self.root, loc), text)

    def invalid(self, exc: ValidationError, prefix: Loc = ()) -> EnvironmentFileError:
        errors = exc.errors()
        # a misspelt field shows as "unknown field" and "missing": the first says more
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = prefix + tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "this required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check its spelling against docs/agentic.md)"
        # pydantic puts union member names in the location; they are not keys of the file
        clean = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in _UNION_TAGS)))
        return self.error(clean, f"{msg}.")


_UNION_TAGS = {"MatchOps", "str", "int", "float", "bool", "list", "none", "function-after", "function-before"}


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """Walk the YAML node tree along an error location; a mapping entry's line is its key's."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_environment(ref: str | Path, *, tasks: Sequence[str | Path] = ()) -> Environment:
    """A built-in environment by name, or an environment file (its `kind` names the Python half)."""
    path = Path(ref)
    if isinstance(ref, str) and ":" in ref and not path.exists():
        prefix, _, name = ref.partition(":")
        provider = get_provider(prefix)
        if provider is not None:
            return _remember(provider(name))
        kind = get_kind(prefix)
        variant = kind.variants.get(name)
        if variant is None:
            sets = ", ".join(["the default", *kind.variants])
            raise NotFound(f"Environment '{prefix}' has no data set '{name}' (it has {sets}): use {prefix} or "
                           f"{prefix}:<data set>.")
        return _remember(_build(_File(variant), [Path(t) for t in tasks]))
    if isinstance(ref, str) and not path.suffix and not path.exists():
        kind = get_kind(ref)
        if kind.data is None:
            raise NotFound(f"Environment '{ref}' ships no data file: load it from an environment file.")
        path = kind.data
    elif not path.is_file():
        from redhive.engine.agentic.environment import environment_kinds

        raise NotFound(
            f"No environment '{ref}': it is neither a built-in environment ({', '.join(environment_kinds())}) "
            "nor an existing file."
        )
    return _remember(_build(_File(path), [Path(t) for t in tasks]))


_LOADED: dict[str, Environment] = {}


def _remember(env: Environment) -> Environment:
    _LOADED[env.name] = env
    return env


def loaded_environments() -> list[Environment]:
    """Every environment loaded in this process (the latest of each name): the scripted agent
    looks tasks up here by their prompt."""
    return list(_LOADED.values())


def load_tasks(path: str | Path, kind: EnvironmentKind) -> tuple[list[UserTaskSpec], list[InjectionTaskSpec]]:
    """Validate one task file against an environment kind."""
    file = _File(Path(path))
    if not isinstance(file.data, dict):
        raise file.error((), "expected a mapping with user_tasks and/or injection_tasks.")
    try:
        parsed = TasksFile.model_validate(file.data)
    except ValidationError as exc:
        raise file.invalid(exc) from None
    _check_tasks(file, kind, parsed.user_tasks, parsed.injection_tasks)
    return parsed.user_tasks, parsed.injection_tasks


def _build(file: _File, extra_tasks: list[Path]) -> Environment:
    if not isinstance(file.data, dict):
        raise file.error((), "expected a mapping with kind, start_time and state.")
    try:
        spec = EnvironmentFile.model_validate(file.data)
    except ValidationError as exc:
        raise file.invalid(exc) from None
    try:
        kind = get_kind(spec.kind)
    except NotFound as exc:
        raise file.error(("kind",), exc.message) from None
    state = spec.state
    if spec.generate is not None:
        if kind.generate is None:
            raise file.error(("generate",), f"environment kind {kind.name} has no seed-data generator.")
        params = dict(spec.generate)
        seed = params.pop("seed", 0)
        if not isinstance(seed, int):
            raise file.error(("generate", "seed"), "the seed must be an integer.")
        made = dict(kind.generate(seed, params))
        generated = {k: made.pop(k, []) for k in ("user_tasks", "injection_tasks")}
        for t in generated["user_tasks"]:  # a generated task's budget: its ground truth plus slack
            if isinstance(t, dict) and "max_steps" not in t:
                turns = t.get("turns") or []
                t["max_steps"] = len(t.get("solution") or []) + sum(len(x.get("solution") or []) for x in turns) \
                    + len(turns) + 10
        try:
            more = TasksFile.model_validate(generated)
        except ValidationError as exc:
            raise file.error(("generate",), f"the generator made an invalid task: {exc.errors()[0]['msg']}.") from None
        spec = spec.model_copy(update={"user_tasks": [*spec.user_tasks, *more.user_tasks],
                                       "injection_tasks": [*spec.injection_tasks, *more.injection_tasks]})
        state = {t: [*state.get(t, []), *made.get(t, [])] for t in dict.fromkeys([*state, *made])}
    templates = _state(file, kind, state, set(spec.slots))
    for loc, rules in (
        (("side_effects", "allowed"), spec.side_effects.allowed),
        (("side_effects", "irreversible"), spec.side_effects.irreversible),
        (("side_effects", "protected"), spec.side_effects.protected),
    ):
        _check_paths(file, kind, loc, rules)
    _check_calls(file, kind, ("forbidden",), spec.forbidden)
    _check_tasks(file, kind, spec.user_tasks, spec.injection_tasks)
    users, injections = list(spec.user_tasks), list(spec.injection_tasks)
    for name in spec.tasks_files:
        more_users, more_injections = load_tasks(file.path.parent / name, kind)
        users += more_users
        injections += more_injections
    for name in spec.injection_tasks_from:
        injections += load_tasks(file.path.parent / name, kind)[1]
    for extra in extra_tasks:
        more_users, more_injections = load_tasks(extra, kind)
        users += more_users
        injections += more_injections
    _unique(file, [t.id for t in users], "user task")
    _unique(file, [t.id for t in injections], "injection task")
    return Environment(
        kind=kind, name=spec.name or kind.name, description=spec.description or kind.description,
        system_prompt=spec.system_prompt, user_name=spec.user_name, start_time=spec.start_time,
        tick_seconds=spec.tick_seconds, slots=dict(spec.slots), templates=templates,
        allowed=tuple(spec.side_effects.allowed), irreversible=tuple(spec.side_effects.irreversible),
        protected=tuple(spec.side_effects.protected), forbidden=tuple(spec.forbidden),
        trusted_recipients=tuple(spec.trusted_recipients),
        user_tasks={t.id: t for t in users}, injection_tasks={t.id: t for t in injections},
        source=str(file.path),
    )


def _state(file: _File, kind: EnvironmentKind, state: dict[str, list[dict[str, Any]]],
           slots: set[str]) -> dict[str, dict[str, Any]]:
    templates: dict[str, dict[str, Any]] = {table: {} for table in kind.records}
    for table, items in state.items():
        cls = kind.records.get(table)
        if cls is None:
            raise file.error(("state", table), f"unknown table (tables of {kind.name}: {', '.join(kind.records)}).")
        adapter: TypeAdapter[Any] = TypeAdapter(cls)
        fields = {f.name for f in dataclasses.fields(cls)}
        for index, item in enumerate(items):
            loc: Loc = ("state", table, index)
            if not isinstance(item, dict):
                raise file.error(loc, "expected a mapping of field: value.")
            for name in item:
                if name not in fields:
                    raise file.error((*loc, name), f"unknown field (fields of {table}: {', '.join(sorted(fields))}).")
            try:
                record = adapter.validate_python(item)
            except ValidationError as exc:
                raise file.invalid(exc, loc) from None
            key = str(getattr(record, kind.key_field))
            if key in templates[table]:
                raise file.error((*loc, kind.key_field), f"duplicate {kind.key_field} '{key}' in {table}.")
            for name, value in item.items():
                for text in _strings(value):
                    for match in SLOT.finditer(text):
                        if match.group(1) not in slots:
                            raise file.error(
                                (*loc, name),
                                f"unknown injection slot '{match.group(1)}' (declare it under slots: "
                                f"{', '.join(sorted(slots)) or 'none declared'}).",
                            )
            templates[table][key] = record
    return templates


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _unique(file: _File, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for task_id in ids:
        if task_id in seen:
            raise file.error((), f"two {what}s share the id '{task_id}'.")
        seen.add(task_id)


def _check_tasks(file: _File, kind: EnvironmentKind, users: Sequence[UserTaskSpec],
                 injections: Sequence[InjectionTaskSpec]) -> None:
    tools = {t.name for t in kind.tools}
    for i, task in enumerate(users):
        loc: Loc = ("user_tasks", i)
        for j, name in enumerate(task.scope):
            if name not in tools:
                raise file.error((*loc, "scope", j), f"unknown tool '{name}' (tools: {', '.join(sorted(tools))}).")
        for key in ("allowed", "irreversible", "protected"):
            _check_paths(file, kind, (*loc, key), getattr(task, key))
        _check_calls(file, kind, (*loc, "forbidden"), task.forbidden)
        _check_conditions(file, kind, (*loc, "check"), task.check)
        _check_solution(file, kind, (*loc, "solution"), task.solution)
        for t, turn in enumerate(task.turns):
            _check_conditions(file, kind, (*loc, "turns", t, "check"), turn.check)
            _check_solution(file, kind, (*loc, "turns", t, "solution"), turn.solution)
    for i, inj in enumerate(injections):
        _check_conditions(file, kind, ("injection_tasks", i, "check"), inj.check)
        _check_solution(file, kind, ("injection_tasks", i, "solution"), inj.solution)


def _check_solution(file: _File, kind: EnvironmentKind, loc: Loc, calls: Sequence[SolutionCall]) -> None:
    tools = {t.name: t for t in kind.tools}
    for i, call in enumerate(calls):
        found = tools.get(call.tool)
        if found is None:
            raise file.error((*loc, i, "tool"), f"unknown tool '{call.tool}' (tools: {', '.join(sorted(tools))}).")
        try:
            found.validate(call.args)
        except InvalidArguments as exc:
            raise file.error((*loc, i, "args"), f"invalid arguments for {call.tool}: {exc}.") from None


def _check_paths(file: _File, kind: EnvironmentKind, loc: Loc, rules: Sequence[PathRule]) -> None:
    for i, rule in enumerate(rules):
        table = rule.path.split("/", 1)[0]
        if not any(c in table for c in "*?[") and table not in kind.records:
            raise file.error((*loc, i), f"path '{rule.path}' starts with unknown table '{table}' "
                                        f"(tables: {', '.join(kind.records)}).")
        if rule.where and table in kind.records:
            _check_fields(file, kind, table, (*loc, i, "where"), rule.where)


def _check_calls(file: _File, kind: EnvironmentKind, loc: Loc, rules: Sequence[CallRule]) -> None:
    tools = {t.name: t for t in kind.tools}
    for i, rule in enumerate(rules):
        if any(c in rule.tool for c in "*?["):
            continue
        found = tools.get(rule.tool)
        if found is None:
            raise file.error((*loc, i, "tool"), f"unknown tool '{rule.tool}' (tools: {', '.join(sorted(tools))}).")
        for arg in rule.args:
            if arg not in found.param_names:
                raise file.error((*loc, i, "args", arg),
                                 f"{rule.tool} has no argument '{arg}' (arguments: {', '.join(found.param_names)}).")


def _check_fields(file: _File, kind: EnvironmentKind, table: str, loc: Loc, where: dict[str, Any]) -> None:
    fields = {f.name for f in dataclasses.fields(kind.records[table])}
    for name in where:
        if name not in fields:
            raise file.error((*loc, name), f"{table} has no field '{name}' (fields: {', '.join(sorted(fields))}).")


def _check_conditions(file: _File, kind: EnvironmentKind, loc: Loc, conditions: Sequence[Condition]) -> None:
    for i, cond in enumerate(conditions):
        here: Loc = (*loc, i)
        for key in ("exists", "absent", "count"):
            query = getattr(cond, key)
            if query is None:
                continue
            if query.table not in kind.records:
                raise file.error((*here, key, "table"),
                                 f"unknown table '{query.table}' (tables: {', '.join(kind.records)}).")
            _check_fields(file, kind, query.table, (*here, key, "where"), query.where)
        if cond.called is not None and not any(c in cond.called.tool for c in "*?["):
            tool = next((t for t in kind.tools if t.name == cond.called.tool), None)
            if tool is None:
                raise file.error((*here, "called", "tool"), f"unknown tool '{cond.called.tool}'.")
            for arg in cond.called.args:
                if arg not in tool.param_names:
                    raise file.error((*here, "called", "args", arg), f"{tool.name} has no argument '{arg}'.")
        if cond.python is not None and cond.python.check not in check_names():
            raise file.error((*here, "python", "check"), f"unknown Python check '{cond.python.check}' "
                             f"(registered: {', '.join(check_names()) or 'none'}).")
        for key, alias in (("all_", "all"), ("any_", "any")):
            nested = getattr(cond, key)
            if nested:
                _check_conditions(file, kind, (*here, alias), nested)
        if cond.not_ is not None:
            _check_conditions(file, kind, (*here, "not"), [cond.not_])
