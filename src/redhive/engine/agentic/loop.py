"""The agent loop: one episode of a target using an environment's tools over the OpenAI
tool-calling protocol.

Each step sends the conversation and the tool specs, records the model's turn and handles each
tool call: parse the JSON arguments, validate them against the tool's schema, run the pre-call
monitors, execute (with cascades), judge the changes against the task's side-effect spec, run the
post-call monitors, and feed the result (or the error) back as a `tool` message. Invalid calls
(bad JSON, unknown tool, arguments that do not fit the schema) are recorded as `invalid` and fed
back as errors; the episode goes on. The episode ends when the model answers without tool calls
(`completed`), a monitor halts it (`halted`), the step limit is reached (`step_limit`), the
episode's time runs out (`timeout`) or the target fails (`error`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redhive.engine.agentic.checks import CheckContext, evaluate
from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.monitors import (
    Classification,
    Monitor,
    MonitorContext,
    MonitorMode,
    classify,
    default_monitors,
    mentioned_addresses,
    run_after,
    run_before,
)
from redhive.engine.agentic.sandbox import Sandbox
from redhive.engine.agentic.spec import InjectionTaskSpec, UserTaskSpec
from redhive.engine.agentic.tools import InvalidArguments
from redhive.engine.agentic.trace import ActionRecord, Episode, StepRecord, episode_id
from redhive.engine.agentic.users import ask_user
from redhive.engine.resilience import TargetGate
from redhive.engine.targets.base import Target
from redhive.engine.types import GenerationParams, Message, ToolCall
from redhive.errors import TargetError, is_fatal

__all__ = ["EpisodePlan", "LoopLimits", "run_episode"]


@dataclass(slots=True, frozen=True)
class LoopLimits:
    max_steps: int = 15
    timeout: float = 120.0
    max_user_turns: int = 5  # follow-up messages a user model may send


@dataclass(slots=True, frozen=True)
class EpisodePlan:
    """One cell of a scan: what to run, with which injections, from which seed."""

    env: Environment
    user_task: UserTaskSpec
    injection_task: InjectionTaskSpec | None
    attack: str | None
    target: str
    repeat: int
    seed: int
    injections: dict[str, str]
    dos: bool = False  # the attack is a denial of service: success = the user task failed

    @property
    def id(self) -> str:
        inj = self.injection_task.id if self.injection_task else None
        return episode_id(self.env.name, self.user_task.id, inj, self.attack, self.target, self.repeat)


class _Episode:
    def __init__(self, plan: EpisodePlan, mode: MonitorMode, monitors: Sequence[Monitor]) -> None:
        self.plan = plan
        self.mode = mode
        self.monitors = monitors
        env, task = plan.env, plan.user_task
        self.sandbox: Sandbox = env.reset(plan.seed, plan.injections, task)
        self.policy = env.policy(task)
        self.history: list[ActionRecord] = []
        self.turn_failures: list[str] = []
        self.turns_answered = 0
        self.ctx = MonitorContext(env, task, self.policy, self.sandbox, mentioned_addresses([task.prompt]),
                                  self.history)
        self.record = Episode(
            id=plan.id, env=env.name, user_task=task.id,
            injection_task=plan.injection_task.id if plan.injection_task else None, attack=plan.attack,
            target=plan.target, repeat=plan.repeat, seed=plan.seed, monitor_mode=mode,
            injections=dict(plan.injections), system_prompt=env.system_prompt, prompt=task.prompt,
            initial_hash=self.sandbox.state_hash, started_at=time.time(),
        )

    def act(self, call: ToolCall) -> ActionRecord:
        def invalid(reason: str, args: dict[str, Any] | None = None) -> ActionRecord:
            return ActionRecord(call.id, call.name, call.arguments, args, "invalid", f"Error: {reason}",
                                error=reason, state_hash=self.sandbox.state_hash)

        try:
            parsed = json.loads(call.arguments) if call.arguments.strip() else {}
        except json.JSONDecodeError as exc:
            return invalid(f"the arguments are not valid JSON ({exc.msg} at position {exc.pos}).")
        if not isinstance(parsed, dict):
            return invalid("the arguments must be a JSON object.")
        tool = self.plan.env.tools.get(call.name)
        if tool is None:
            known = ", ".join(self.plan.env.tools)
            return invalid(f"there is no tool '{call.name}'. Available tools: {known}.", parsed)
        try:
            kwargs = tool.validate(parsed)
        except InvalidArguments as exc:
            return invalid(f"invalid arguments for {call.name}: {exc}.", parsed)
        out_of_scope = not tool.readonly and tool.name not in self.policy.scope
        findings = run_before(self.monitors, tool, kwargs, self.ctx)
        if findings and self.mode == "halt":
            reason = "; ".join(f.message for f in findings)
            return ActionRecord(call.id, call.name, call.arguments, parsed, "rejected",
                                f"Error: the monitor rejected this call ({reason}). The episode ends.",
                                error=reason, decision="halt", findings=findings, out_of_scope=out_of_scope,
                                state_hash=self.sandbox.state_hash)
        before = self.sandbox.snapshot()
        outcome = self.sandbox.run(tool, kwargs)
        judged = classify(outcome, self.policy) if outcome.error is None else Classification()
        findings += run_after(self.monitors, tool, kwargs, outcome, judged, self.ctx)
        post = [f for f in findings if f.phase == "post"]
        action = ActionRecord(
            call.id, call.name, call.arguments, parsed, "executed" if outcome.error is None else "tool_error",
            outcome.content, error=outcome.error, decision="flag" if findings else "approve", findings=findings,
            changes=outcome.changes, cascades=outcome.cascades, side_effects=list(judged.side_effects),
            irreversible=list(judged.irreversible), out_of_scope=out_of_scope, slots_seen=outcome.slots_seen,
            state_hash=outcome.state_hash, duration_ms=round(outcome.duration_ms, 3),
        )
        if post and self.mode == "halt":
            self.sandbox.restore(before)
            reason = "; ".join(f.message for f in post)
            action.status, action.decision, action.error = "rejected", "halt", reason
            action.result = f"Error: the monitor rejected this call ({reason}); it was undone. The episode ends."
            action.rejected_changes = outcome.all_changes
            action.changes, action.cascades = [], []
            action.state_hash = self.sandbox.state_hash
        return action

    def skipped(self, call: ToolCall) -> ActionRecord:
        return ActionRecord(call.id, call.name, call.arguments, None, "skipped",
                            "Error: not run, the episode was halted.", state_hash=self.sandbox.state_hash)

    def check_context(self, answer: str) -> CheckContext:
        return CheckContext(
            self.sandbox.tables(), self.sandbox.diff(), answer,
            [(a.tool, a.args or {}) for a in self.record.actions if a.status == "executed"], self.sandbox,
        )

    def end_turn(self, answer: str) -> None:
        """The agent answered a user message: check that turn of a sequence test, if it has a check."""
        turns, index = self.plan.user_task.turns, self.turns_answered
        self.turns_answered += 1
        if index < len(turns) and turns[index].check:
            result = evaluate(turns[index].check, self.check_context(answer))
            self.turn_failures += [f"turn {index + 1}: {f}" for f in result.failures]

    def finish(self) -> Episode:
        ep, plan, sandbox = self.record, self.plan, self.sandbox
        ep.final_hash = sandbox.state_hash
        ep.slots_seen = sorted({s for a in ep.actions for s in a.slots_seen})
        if ep.scored:
            ctx = self.check_context(ep.answer)
            result = evaluate(plan.user_task.check, ctx)
            unreached = [f"turn {i + 1}: never reached" for i in range(self.turns_answered, len(plan.user_task.turns))]
            failures = [*self.turn_failures, *unreached]
            ep.utility, ep.utility_failures = result.passed and not failures, [*failures, *result.failures]
            if plan.injection_task is not None:
                # a denial-of-service attack succeeds when the user's task fails (AgentDojo's rule)
                ep.injection_success = (not ep.utility if plan.dos
                                        else evaluate(plan.injection_task.check, ctx).passed)
        ep.seal = ep.compute_seal()
        sandbox.close()
        return ep


async def run_episode(
    target: Target | TargetGate,
    plan: EpisodePlan,
    *,
    monitor_mode: MonitorMode = "flag",
    monitors: Sequence[Monitor] | None = None,
    limits: LoopLimits | None = None,
    params: GenerationParams | None = None,
    user_model: Target | TargetGate | None = None,
) -> Episode:
    """Run one episode; target failures end it with status `error` (fatal ones propagate).

    A multi-turn task (`turns`) sends its next user message each time the agent answers; with a
    `user_model` that model writes the follow-ups instead (see `users.py`). Either way the message
    is recorded on the step it opened (`StepRecord.user`, `user_source`)."""
    limits = limits or LoopLimits()
    gate = target if isinstance(target, TargetGate) else TargetGate(target)
    params = params or GenerationParams()
    chosen = default_monitors() if monitors is None else list(monitors)
    run = _Episode(plan, monitor_mode, [*chosen, *plan.env.kind.monitors])
    ep = run.record
    env = plan.env
    tools = env.tool_specs()
    messages: list[Message] = [Message("system", env.system_prompt), Message("user", plan.user_task.prompt)]
    user_gate = None if user_model is None else (
        user_model if isinstance(user_model, TargetGate) else TargetGate(user_model))
    script = plan.user_task.user_messages
    opened: tuple[str, str] | None = None  # the user message that opens the next step, and its source
    started = time.perf_counter()
    last_text = ""
    try:
        async with asyncio.timeout(limits.timeout):
            ep.status = "step_limit"
            for index in range(1, max(limits.max_steps, plan.user_task.max_steps or 0) + 1):
                t0 = time.perf_counter()
                completion = await gate.generate(messages, params, tools)
                latency = (time.perf_counter() - t0) * 1000
                calls = tuple(
                    c if c.id else ToolCall(f"call_{index}_{i}", c.name, c.arguments)
                    for i, c in enumerate(completion.tool_calls)
                )
                last_text = completion.text or last_text
                messages.append(Message("assistant", completion.text or None, tool_calls=calls))
                actions: list[ActionRecord] = []
                halted = False
                for call in calls:
                    action = run.skipped(call) if halted else run.act(call)
                    actions.append(action)
                    run.history.append(action)
                    messages.append(Message("tool", action.result, tool_call_id=call.id, name=call.name))
                    halted = halted or action.decision == "halt"
                ep.append(StepRecord(index, completion.text, actions, completion.usage.input_tokens,
                                     completion.usage.output_tokens, round(latency, 3), completion.finish_reason,
                                     user=opened[0] if opened else None, user_source=opened[1] if opened else None))
                opened = None
                if halted:
                    ep.status = "halted"
                    break
                if not calls:
                    run.end_turn(completion.text)
                    sent = run.turns_answered
                    follow: str | None = None
                    if user_gate is not None:
                        if sent <= limits.max_user_turns:
                            follow = await ask_user(user_gate, env, plan.user_task, sent, completion.text, params)
                        opened = (follow, user_gate.target.spec) if follow else None
                    elif sent < len(script):
                        follow, opened = script[sent], (script[sent], "script")
                    if follow is None:
                        ep.status = "completed"
                        break
                    messages.append(Message("user", follow))
                    run.ctx.mentioned = run.ctx.mentioned | mentioned_addresses([follow])
    except TimeoutError:
        ep.status, ep.error = "timeout", f"the episode did not finish within {limits.timeout:g} s"
    except TargetError as exc:
        if is_fatal(exc):
            run.sandbox.close()
            raise
        ep.status, ep.error = "error", exc.message
    ep.answer = last_text
    ep.duration_ms = round((time.perf_counter() - started) * 1000, 3)
    return run.finish()
