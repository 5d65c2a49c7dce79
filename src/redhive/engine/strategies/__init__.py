"""Multi-turn attack strategies (Crescendo, PAIR, TAP) and scripted sequences, each strategy in its
own module, which registers it when imported (`registry.get("strategy", name)` imports the one
named). See docs/attacks.md, "Multi-turn attacks"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from redhive.engine import registry
from redhive.errors import InvalidInput

if TYPE_CHECKING:
    from redhive.engine.scorers.judge import JudgePool
    from redhive.engine.strategies.base import Strategy
    from redhive.engine.targets.base import Target

__all__ = ["parse_strategies", "strategy_limits"]


def strategy_limits() -> dict[str, list[str]]:
    """Each limit name -> the registered strategies that take it."""
    out: dict[str, list[str]] = {}
    for name in registry.names("strategy"):
        for limit in _class(name).limits:
            out.setdefault(limit, []).append(name)
    return out


def parse_strategies(names: Sequence[str], *, attacker: Target | None, judge: Target | JudgePool | None = None,
                     limits: Mapping[str, int] | None = None) -> list[Strategy]:
    """Build the named strategies, each with the limits it takes; a limit none of them takes, a
    missing attacker or a missing judge is refused with one sentence."""
    limits = dict(limits or {})
    wanted = list(dict.fromkeys(n.strip() for n in names))
    if any(not n for n in wanted):
        raise InvalidInput("A --strategy value is empty: give crescendo, pair or tap.")
    classes = [_class(n) for n in wanted]
    if classes and attacker is None:
        raise InvalidInput(f"The {wanted[0]} strategy needs an attacker model: pass --attacker SPEC "
                           "(for example --attacker sim:attacker offline, or --attacker openai:gpt-4o-mini).")
    takers = strategy_limits()
    for key in limits:
        if not any(key in cls.limits for cls in classes):
            flag = "--" + key.replace("_", "-")
            users = ", ".join(takers.get(key, [])) or "no strategy"
            raise InvalidInput(f"{flag} is a limit of {users}, not of --strategy {', '.join(wanted)}: drop it "
                               "or choose a strategy that takes it.")
    from redhive.engine.scorers.judge import JudgePool

    built: list[Strategy] = []
    if judge is not None and not isinstance(judge, JudgePool):
        judge = JudgePool(judge)  # one pool for all: the judge's limits and cache hold across them
    for cls in classes:
        assert attacker is not None
        own = {k: v for k, v in limits.items() if k in cls.limits}
        built.append(cls(attacker, judge, **own))
    return built


def _class(name: str) -> type[Strategy]:
    from redhive.engine.strategies.base import Strategy

    cls = registry.get("strategy", name)
    assert isinstance(cls, type) and issubclass(cls, Strategy)
    return cls
