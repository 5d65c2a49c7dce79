"""Evaluating matchers, path rules and call rules (the languages defined in `spec`)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from redhive.engine.agentic.spec import CallRule, Matcher, MatchOps, PathRule

if TYPE_CHECKING:
    from redhive.engine.agentic.state import Change

__all__ = ["address_matches", "call_matches", "change_matches", "glob_matches", "matches", "where_matches"]


def matches(value: Any, matcher: Matcher) -> bool:
    """A plain value means equality (membership when `value` is a list); a list means the same
    elements in any order; `MatchOps` means every operator given holds."""
    if isinstance(matcher, MatchOps):
        return _ops(value, matcher)
    if isinstance(matcher, list):
        return _same_elements(value, matcher)
    if _is_seq(value):
        return matcher in value
    return bool(value == matcher)


def where_matches(record: Mapping[str, Any] | None, where: Mapping[str, Matcher] | None) -> bool:
    if not where:
        return True
    if record is None:
        return False
    return all(matches(record.get(field), m) for field, m in where.items())


def glob_matches(glob: str, path: str) -> bool:
    """`glob` covers `path` when its segments match a prefix of the path's segments."""
    return _glob(tuple(glob.split("/")), tuple(path.split("/")))


def change_matches(rule: PathRule, change: Change) -> bool:
    if rule.ops is not None and change.op not in rule.ops:
        return False
    if not glob_matches(rule.path, change.path):
        return False
    return where_matches(change.record, rule.where)


def call_matches(rule: CallRule, tool: str, args: Mapping[str, Any]) -> bool:
    if not fnmatch.fnmatchcase(tool, rule.tool):
        return False
    return all(matches(args.get(name), m) for name, m in rule.args.items())


def address_matches(patterns: Iterable[str], address: str) -> bool:
    """Case-insensitive glob match of an e-mail address, URL or account against any pattern."""
    low = address.strip().lower()
    return any(fnmatch.fnmatchcase(low, p.strip().lower()) for p in patterns)


@lru_cache(maxsize=4096)
def _glob(rule: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if not rule:
        return True  # the rule names an ancestor of the path: it covers everything below
    head, rest = rule[0], rule[1:]
    if head == "**":
        return any(_glob(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    return fnmatch.fnmatchcase(path[0], head) and _glob(rest, path[1:])


def _is_seq(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _same_elements(value: Any, expected: Sequence[Any]) -> bool:
    if not _is_seq(value):
        return False
    items = list(value)
    return len(items) == len(expected) and all(e in items for e in expected) and all(i in expected for i in items)


def _contains(value: Any, needle: Any) -> bool:
    if _is_seq(value):
        return needle in value
    if isinstance(value, str):
        return str(needle) in value
    return False


def _icontains(value: Any, needle: str) -> bool:
    low = needle.lower()
    if _is_seq(value):
        return any(isinstance(v, str) and low in v.lower() for v in value)
    return isinstance(value, str) and low in value.lower()


def _compare(value: Any, bound: Any, op: str) -> bool:
    try:
        if op == "gt":
            return bool(value > bound)
        if op == "ge":
            return bool(value >= bound)
        if op == "lt":
            return bool(value < bound)
        return bool(value <= bound)
    except TypeError:
        return False


def _ops(value: Any, m: MatchOps) -> bool:
    fields = m.model_fields_set
    checks: list[bool] = []
    if "eq" in fields:
        checks.append(_same_elements(value, m.eq) if isinstance(m.eq, list) else value == m.eq)
    if "ne" in fields:
        checks.append(value != m.ne)
    if "contains" in fields:
        checks.append(_contains(value, m.contains))
    if m.icontains is not None:
        checks.append(_icontains(value, m.icontains))
    if "not_contains" in fields:
        checks.append(not _contains(value, m.not_contains))
    if m.regex is not None:
        pattern = re.compile(m.regex)
        texts = [str(v) for v in value] if _is_seq(value) else [str(value)]
        checks.append(any(pattern.search(t) for t in texts))
    if m.in_ is not None:
        checks.append(value in m.in_)
    for op in ("gt", "ge", "lt", "le"):
        if op in fields:
            checks.append(_compare(value, getattr(m, op), op))
    if m.empty is not None:
        checks.append((not value) == m.empty)
    return all(checks)
