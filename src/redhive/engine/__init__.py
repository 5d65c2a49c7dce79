"""The redhive engine: a library that runs suites of probes against targets and scores them.

It never imports the web layer or the database; results leave through an `AttemptSink`.
"""

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
