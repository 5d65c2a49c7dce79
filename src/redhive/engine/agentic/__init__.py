"""Agentic testing: simulated environments, the agent loop, hash-chained traces, monitors and
long-horizon metrics (issue 7; docs/agentic.md).

    from redhive.engine.agentic import run_agent_scan
    result = await run_agent_scan(["sim:agent-naive"], ["workspace"], ["important_instructions"], "flag")
    result.metrics["sim:agent-naive"].targeted_asr

Write an environment: record dataclasses + `@tool` functions + `Cascade`s in an `EnvironmentKind`,
seed state and tasks in YAML (`load_environment`). The engine never imports the database or web.
"""

from redhive.engine.agentic.attacks import ATTACKS, Attack, attack_names, register_attack, render_attack
from redhive.engine.agentic.checks import CheckContext, CheckResult, evaluate, register_check
from redhive.engine.agentic.environment import (
    Cascade,
    Environment,
    EnvironmentKind,
    Policy,
    Trigger,
    environment_kinds,
    register_environment,
)
from redhive.engine.agentic.loader import EnvironmentFileError, load_environment, load_tasks
from redhive.engine.agentic.loop import EpisodePlan, LoopLimits, run_episode
from redhive.engine.agentic.metrics import AgentMetrics, CascadeStats, Rate, compute_metrics, group_metrics
from redhive.engine.agentic.monitors import (
    Classification,
    Finding,
    Monitor,
    MonitorContext,
    MonitorMode,
    classify,
    default_monitors,
)
from redhive.engine.agentic.replay import ReplayReport, ScriptedTarget, replay_actions, replay_episode
from redhive.engine.agentic.sandbox import CascadeEvent, Sandbox, Snapshot, ToolOutcome, UnknownTool
from redhive.engine.agentic.scan import AgentScanResult, episode_seed, plan_episodes, run_agent_scan
from redhive.engine.agentic.spec import (
    CallRule,
    Condition,
    InjectionTaskSpec,
    MatchOps,
    PathRule,
    SideEffectSpec,
    UserTaskSpec,
)
from redhive.engine.agentic.state import Change, State, structural_diff
from redhive.engine.agentic.survival import SurvivalCurve, kaplan_meier
from redhive.engine.agentic.tools import Clock, InvalidArguments, Tool, ToolContext, ToolError, tool
from redhive.engine.agentic.trace import ActionRecord, Episode, StepRecord, episode_id, verify_chain

__all__ = [
    "ATTACKS",
    "ActionRecord",
    "AgentMetrics",
    "AgentScanResult",
    "Attack",
    "CallRule",
    "Cascade",
    "CascadeEvent",
    "CascadeStats",
    "Change",
    "CheckContext",
    "CheckResult",
    "Classification",
    "Clock",
    "Condition",
    "Environment",
    "EnvironmentFileError",
    "EnvironmentKind",
    "Episode",
    "EpisodePlan",
    "Finding",
    "InjectionTaskSpec",
    "InvalidArguments",
    "LoopLimits",
    "MatchOps",
    "Monitor",
    "MonitorContext",
    "MonitorMode",
    "PathRule",
    "Policy",
    "Rate",
    "ReplayReport",
    "Sandbox",
    "ScriptedTarget",
    "SideEffectSpec",
    "Snapshot",
    "State",
    "StepRecord",
    "SurvivalCurve",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolOutcome",
    "Trigger",
    "UnknownTool",
    "UserTaskSpec",
    "attack_names",
    "classify",
    "compute_metrics",
    "default_monitors",
    "environment_kinds",
    "episode_id",
    "episode_seed",
    "evaluate",
    "group_metrics",
    "kaplan_meier",
    "load_environment",
    "load_tasks",
    "plan_episodes",
    "register_attack",
    "register_check",
    "register_environment",
    "render_attack",
    "replay_actions",
    "replay_episode",
    "run_agent_scan",
    "run_episode",
    "structural_diff",
    "tool",
    "verify_chain",
]
