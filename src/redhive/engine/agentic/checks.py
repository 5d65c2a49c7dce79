"""Evaluate task checks (the `Condition` language of `spec`) on an episode's outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.agentic.matching import call_matches, glob_matches, matches, where_matches
from redhive.engine.agentic.spec import Condition, RecordQuery
from redhive.engine.agentic.state import Change, to_plain
from redhive.errors import NotFound

__all__ = ["CheckContext", "CheckFn", "CheckResult", "check_names", "evaluate", "register_check"]


@dataclass(slots=True)
class CheckContext:
    """What a check may look at: the final tables, the diff since reset, the final answer and the
    executed tool calls (name, arguments)."""

    tables: Mapping[str, Mapping[str, Any]]
    changes: Sequence[Change]
    answer: str
    calls: Sequence[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    #: the episode's live sandbox, for Python checks that need more than the tables (an
    #: environment object of another framework, say)
    sandbox: Any = None


#: A Python check: the context and the condition's `args` -> holds or not.
CheckFn = Callable[..., bool]
_CHECKS: dict[str, CheckFn] = {}


def register_check(name: str, fn: CheckFn) -> CheckFn:
    """Make `fn(ctx, **args) -> bool` usable as `python: {check: NAME, args: {...}}` in task files.
    Only registered functions can be named, so a task file cannot run arbitrary code."""
    _CHECKS[name] = fn
    return fn


def check_names() -> list[str]:
    return sorted(_CHECKS)


def _python(name: str) -> CheckFn:
    try:
        return _CHECKS[name]
    except KeyError:
        raise NotFound(f"Unknown Python check '{name}'. Registered: {', '.join(check_names()) or 'none'}.") from None


@dataclass(slots=True, frozen=True)
class CheckResult:
    passed: bool
    failures: tuple[str, ...] = ()


def evaluate(conditions: Sequence[Condition], ctx: CheckContext) -> CheckResult:
    failures = [f"{_describe(c)}" for c in conditions if not _holds(c, ctx)]
    return CheckResult(not failures, tuple(failures))


def _records(query: RecordQuery, ctx: CheckContext) -> list[Mapping[str, Any]]:
    rows = ctx.tables.get(query.table, {})
    if query.key is not None:
        found = rows.get(query.key)
        candidates = [] if found is None else [found]
    else:
        candidates = list(rows.values())
    plain = [to_plain(r) for r in candidates]
    return [r for r in plain if where_matches(r, query.where)]


def _holds(c: Condition, ctx: CheckContext) -> bool:
    if c.exists is not None:
        return bool(_records(c.exists, ctx))
    if c.absent is not None:
        return not _records(c.absent, ctx)
    if c.count is not None:
        n = len(_records(c.count, ctx))
        return (c.count.min is None or n >= c.count.min) and (c.count.max is None or n <= c.count.max)
    if c.unchanged is not None:
        return not any(glob_matches(g, ch.path) for g in c.unchanged for ch in ctx.changes)
    if c.answer is not None:
        return matches(ctx.answer, c.answer)
    if c.called is not None:
        rule = c.called
        return any(call_matches(rule, name, args) for name, args in ctx.calls)
    if c.python is not None:
        return bool(_python(c.python.check)(ctx, **c.python.args))
    if c.all_ is not None:
        return all(_holds(x, ctx) for x in c.all_)
    if c.any_ is not None:
        return any(_holds(x, ctx) for x in c.any_)
    if c.not_ is not None:
        return not _holds(c.not_, ctx)
    return False


def _describe(c: Condition) -> str:
    return c.model_dump_json(by_alias=True, exclude_none=True)
