"""Detectors decide whether a probe's goal was reached; `decide_outcome` turns that into one of
five outcomes that are never conflated (DESIGN §6)."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from redhive.engine import registry
from redhive.engine.suites.schema import Probe

if TYPE_CHECKING:
    from redhive.engine.scorers.judge import JudgePool

__all__ = ["Detection", "Detector", "Outcome", "ScoreContext", "TextDetector", "build_detector", "decide_outcome",
           "with_checks"]


class Outcome(StrEnum):
    SUCCESS = "success"  # the probe's goal was reached: a flaw shows
    REFUSED = "refused"  # the target refused
    RESISTED = "resisted"  # answered without refusing, goal not reached
    UNSCORABLE = "unscorable"  # answered, but no verdict could be reached
    ERROR = "error"  # no usable answer (endpoint failure after retries)


@dataclass(slots=True, frozen=True)
class ScoreContext:
    probe: Probe
    prompts: Sequence[str]
    responses: Sequence[str]


@dataclass(slots=True, frozen=True)
class Detection:
    """`success` is None when the detector cannot decide (e.g. no decision could be parsed)."""

    success: bool | None
    evidence: str = ""


class Detector(abc.ABC):
    name: str = ""

    @abc.abstractmethod
    async def detect(self, ctx: ScoreContext) -> Detection: ...

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release resources (a judge's connection)."""


class TextDetector(Detector):
    """A detector whose verdict is a function of the texts alone, reached without waiting for
    anything (`examine`): canary, regex, refusal and the like, but not a judge. The runner scores
    attempts that have one a batch at a time, which keeps the matching code and its compiled
    patterns in the processor's caches: about half the cost of scoring one at a time between
    requests (bench/README.md)."""

    @abc.abstractmethod
    def examine(self, ctx: ScoreContext) -> Detection: ...

    async def detect(self, ctx: ScoreContext) -> Detection:
        return self.examine(ctx)


def build_detector(probe: Probe, judges: JudgePool | None = None) -> Detector:
    """Instantiate the probe's detector, with `{canary}` filled in its string parameters. With the
    run's judge (`judges`), a judge detector asks it, whatever judge the suite file names: judge
    calls go to the endpoint and key given for the judge role, never elsewhere."""
    spec = probe.detector
    if judges is not None and spec.type == "judge":
        return judges.detector(str(spec.params().get("rubric") or "policy_violation"))
    params: dict[str, Any] = {
        k: probe.fill(v) if isinstance(v, str) else v for k, v in spec.params().items()
    }
    factory = registry.get("scorer", spec.type)
    detector: Detector = factory(**params)
    return detector


def _then_checks(found: Detection, checks: Sequence[TextDetector], ctx: ScoreContext) -> Detection:
    if not found.success:
        for check in checks:
            flagged = check.examine(ctx)
            if flagged.success:
                return flagged
    return found


class _WithChecks(Detector):
    """A detector, then the checks every answer of the run gets (`with_checks`)."""

    def __init__(self, primary: Detector, checks: Sequence[TextDetector]) -> None:
        self.primary, self.checks, self.name = primary, checks, primary.name

    async def detect(self, ctx: ScoreContext) -> Detection:
        return _then_checks(await self.primary.detect(ctx), self.checks, ctx)

    async def aclose(self) -> None:
        await self.primary.aclose()


class _TextWithChecks(_WithChecks, TextDetector):
    primary: TextDetector

    def examine(self, ctx: ScoreContext) -> Detection:
        return _then_checks(self.primary.examine(ctx), self.checks, ctx)

    async def detect(self, ctx: ScoreContext) -> Detection:
        return self.examine(ctx)


def with_checks(detector: Detector, checks: Sequence[TextDetector]) -> Detector:
    """`detector`, then `checks` on the same answers when it finds nothing: what a policy declares
    (its secrets, its restricted topics) is checked on every answer of a scan, not only on the
    probes generated from it. The first check that fires decides, with its own evidence."""
    if not checks:
        return detector
    if isinstance(detector, TextDetector):
        return _TextWithChecks(detector, checks)
    return _WithChecks(detector, checks)


def decide_outcome(detection: Detection, refused: bool) -> Outcome:
    """A positive detection wins over a refusal (a refusal that leaks the secret still leaks it)."""
    if detection.success is None:
        return Outcome.UNSCORABLE
    if detection.success:
        return Outcome.SUCCESS
    return Outcome.REFUSED if refused else Outcome.RESISTED
