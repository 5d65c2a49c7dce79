"""The redhive engine: a library that runs suites of probes against targets and scores them.

It never imports the web layer or the database; results leave through an `AttemptSink`.

Its names load on first use (PEP 562), so importing one engine module (say `redhive.engine.stats`)
does not import the whole engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redhive.engine.converters.base import Chain, Converter, parse_attacks
    from redhive.engine.plan import Plan, PlannedAttempt, attempt_id
    from redhive.engine.records import AttemptRecord, AttemptSink
    from redhive.engine.registry import converter, scorer, target
    from redhive.engine.runner import Runner, RunnerResult
    from redhive.engine.scorers.base import Detection, Detector, Outcome, ScoreContext
    from redhive.engine.stats import OutcomeCounts, wilson_interval
    from redhive.engine.suites import Probe, Suite, load_suite, load_suites
    from redhive.engine.targets.base import Target, TargetOptions, create_target
    from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage

_WHERE = {
    "Chain": "redhive.engine.converters.base",
    "Converter": "redhive.engine.converters.base",
    "parse_attacks": "redhive.engine.converters.base",
    "Plan": "redhive.engine.plan",
    "PlannedAttempt": "redhive.engine.plan",
    "attempt_id": "redhive.engine.plan",
    "AttemptRecord": "redhive.engine.records",
    "AttemptSink": "redhive.engine.records",
    "converter": "redhive.engine.registry",
    "scorer": "redhive.engine.registry",
    "target": "redhive.engine.registry",
    "Runner": "redhive.engine.runner",
    "RunnerResult": "redhive.engine.runner",
    "Detection": "redhive.engine.scorers.base",
    "Detector": "redhive.engine.scorers.base",
    "Outcome": "redhive.engine.scorers.base",
    "ScoreContext": "redhive.engine.scorers.base",
    "OutcomeCounts": "redhive.engine.stats",
    "wilson_interval": "redhive.engine.stats",
    "Probe": "redhive.engine.suites",
    "Suite": "redhive.engine.suites",
    "load_suite": "redhive.engine.suites",
    "load_suites": "redhive.engine.suites",
    "Target": "redhive.engine.targets.base",
    "TargetOptions": "redhive.engine.targets.base",
    "create_target": "redhive.engine.targets.base",
    "Completion": "redhive.engine.types",
    "GenerationParams": "redhive.engine.types",
    "Message": "redhive.engine.types",
    "ToolCall": "redhive.engine.types",
    "Usage": "redhive.engine.types",
}


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'redhive.engine' has no attribute '{name}'") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

__all__ = [
    "AttemptRecord",
    "AttemptSink",
    "Chain",
    "Completion",
    "Converter",
    "Detection",
    "Detector",
    "GenerationParams",
    "Message",
    "Outcome",
    "OutcomeCounts",
    "Plan",
    "PlannedAttempt",
    "Probe",
    "Runner",
    "RunnerResult",
    "ScoreContext",
    "Suite",
    "Target",
    "TargetOptions",
    "ToolCall",
    "Usage",
    "attempt_id",
    "converter",
    "create_target",
    "load_suite",
    "load_suites",
    "parse_attacks",
    "scorer",
    "target",
    "wilson_interval",
]
