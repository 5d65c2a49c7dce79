"""What every kind of run shares around the one runner: how an invocation ended, and the targets a
recorded config names, built at its start and closed at its end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from redhive.engine.execution import RunnerResult
from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.errors import RedhiveError
from redhive.runs.schemas import TargetConfig

__all__ = ["ScanResult", "close_targets", "share_rpm", "target_of"]



@dataclass(slots=True)
class ScanResult:
    """How an invocation of a run (probe or agent) ended, with the runner's counts."""

    run_id: str
    status: str  # completed | interrupted | failed
    result: RunnerResult = field(default_factory=RunnerResult)
    error: RedhiveError | None = None


def target_of(tc: TargetConfig, api_key: str | None = None) -> Target:
    """The target a recorded config names, with the key given (or the one its `api_key_env` names)."""
    options = TargetOptions(base_url=tc.base_url, api_key=api_key, api_key_env=tc.api_key_env, timeout=tc.timeout,
                            max_retries=tc.max_retries, concurrency=tc.concurrency, rpm=tc.rpm, extra=tc.extra)
    return create_target(tc.spec, options)


async def close_targets(targets: list[Target]) -> None:
    """Close what a run built (its targets and roles), at its end whatever happened."""
    for target in targets:
        await target.aclose()


def share_rpm(configs: Iterable[TargetConfig | None], share: int) -> None:
    """Give each of `share` processes running one run its part of every requests-per-minute quota
    (a quota is the account's, not the process's)."""
    if share > 1:
        for tc in configs:
            if tc is not None and tc.rpm:
                tc.rpm = tc.rpm / share
