"""Run the same agent under AgentDojo's own benchmark functions and under redhive's loop, and
compare utility and targeted ASR per suite, cell by cell (bench/agentdojo_agreement.py, tests).

The agent is either `sim:agent-scripted` in process (an AgentDojo pipeline element making the same
decisions), or any OpenAI-compatible endpoint, reached by AgentDojo through its own `OpenAILLM`
and by redhive through its `openai:` target.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.agentic.dojo.suite import BENCHMARK_VERSION, DojoEnvironment
from redhive.engine.agentic.metrics import Rate
from redhive.engine.agentic.sim.scripted import Book, decide

__all__ = [
    "Agreement",
    "HarnessResult",
    "agentdojo_pipeline",
    "compare",
    "run_agentdojo",
    "run_redhive",
    "scripted_mock",
]

Cell = tuple[str, str | None]  # (user task, injection task or None for benign)


@dataclass(slots=True)
class HarnessResult:
    utility: dict[Cell, bool] = field(default_factory=dict)
    security: dict[Cell, bool] = field(default_factory=dict)  # injection goal achieved

    def rates(self) -> dict[str, Rate]:
        benign = [v for (_, inj), v in self.utility.items() if inj is None]
        attacked = [v for (_, inj), v in self.utility.items() if inj is not None]
        asr = list(self.security.values())
        return {
            "benign_utility": Rate(sum(benign), len(benign)),
            "utility_under_attack": Rate(sum(attacked), len(attacked)),
            "targeted_asr": Rate(sum(asr), len(asr)),
        }


@dataclass(slots=True)
class Agreement:
    suite: str
    attack: str
    agentdojo: HarnessResult
    redhive: HarnessResult

    @property
    def disagreements(self) -> list[str]:
        out = []
        for name, a, b in (
            ("utility", self.agentdojo.utility, self.redhive.utility),
            ("security", self.agentdojo.security, self.redhive.security),
        ):
            out += [
                f"{name} {cell}: agentdojo {a.get(cell)}, redhive {b.get(cell)}"
                for cell in sorted(set(a) | set(b), key=str)
                if a.get(cell) != b.get(cell)
            ]
        return out


def scripted_mock(env: DojoEnvironment, *, obey: float = 0.0, model: str = "gpt-4o-2024-05-13") -> Any:
    """An OpenAI-compatible mock (serve it with `.serve()` on 127.0.0.1) whose answers are the
    scripted agent's decisions: the same agent, reached over HTTP by both harnesses."""
    import json

    from redhive.testing.mock_openai import MockOpenAI

    book = Book.of([env])

    def call(body: dict[str, Any]) -> tuple[str, str] | None:
        step = decide(body.get("messages") or [], book, obey)
        return None if isinstance(step, str) else (step.tool, json.dumps(step.args, ensure_ascii=False))

    def reply(body: dict[str, Any]) -> str:
        step = decide(body.get("messages") or [], book, obey)
        return step if isinstance(step, str) else ""

    return MockOpenAI(reply=reply, tool_call=call, model=model)


def agentdojo_pipeline(
    env: DojoEnvironment, *, obey: float = 0.0, base_url: str | None = None, model: str = "gpt-4o-2024-05-13"
) -> Any:
    """AgentDojo's pipeline (system message, query, model, tools loop) around the scripted agent,
    or around AgentDojo's `OpenAILLM` pointed at `base_url`."""
    from agentdojo.agent_pipeline import (
        AgentPipeline,
        BasePipelineElement,
        InitQuery,
        SystemMessage,
        ToolsExecutionLoop,
        ToolsExecutor,
    )
    from agentdojo.functions_runtime import FunctionCall
    from agentdojo.types import ChatAssistantMessage, text_content_block_from_string

    llm: Any
    if base_url is not None:
        import openai
        from agentdojo.agent_pipeline import OpenAILLM

        llm = OpenAILLM(openai.OpenAI(base_url=base_url, api_key="mock-key"), model)
    else:
        book = Book.of([env])

        class ScriptedLLM(BasePipelineElement):  # type: ignore[misc]
            name = "local"

            def query(
                self,
                query: str,
                runtime: Any,
                env: Any = None,
                messages: Sequence[Any] = (),
                extra_args: dict[str, Any] | None = None,
            ) -> Any:
                step = decide(messages, book, obey)
                if isinstance(step, str):
                    reply = ChatAssistantMessage(
                        role="assistant", content=[text_content_block_from_string(step)], tool_calls=None
                    )
                else:
                    call = FunctionCall(function=step.tool, args=dict(step.args), id=f"call_{len(messages)}")
                    reply = ChatAssistantMessage(role="assistant", content=None, tool_calls=[call])
                return query, runtime, env, [*messages, reply], extra_args or {}

        llm = ScriptedLLM()
    pipeline = AgentPipeline(
        [SystemMessage(env.system_prompt), InitQuery(), llm, ToolsExecutionLoop([ToolsExecutor(), llm])]
    )
    pipeline.name = model if base_url is not None else "local"
    return pipeline


def run_agentdojo(
    env: DojoEnvironment, pipeline: Any, attack: str, user_tasks: Sequence[str] | None = None
) -> HarnessResult:
    """AgentDojo's own `benchmark_suite_without_injections` and `…_with_injections`."""
    from agentdojo.attacks import load_attack
    from agentdojo.benchmark import benchmark_suite_with_injections, benchmark_suite_without_injections
    from agentdojo.logging import LOGGER_STACK, NullLogger

    class Quiet(NullLogger):  # type: ignore[misc]
        """AgentDojo's trace logger needs a delegate with a log folder: a temporary one, no output."""

        def __init__(self, logdir: str) -> None:
            self.logdir: str = logdir
            self.messages: list[Any] = []

        def __enter__(self) -> Quiet:
            LOGGER_STACK.get().append(self)
            return self

        def __exit__(self, *exc: object) -> None:
            LOGGER_STACK.get().pop()

    suite = env.suite
    out = HarnessResult()
    with tempfile.TemporaryDirectory(prefix="redhive-agentdojo-") as logdir, Quiet(logdir):
        benign = benchmark_suite_without_injections(
            pipeline, suite, logdir=None, force_rerun=True, user_tasks=user_tasks, benchmark_version=BENCHMARK_VERSION
        )
        attacked = benchmark_suite_with_injections(
            pipeline,
            suite,
            load_attack(attack, suite, pipeline),
            logdir=None,
            force_rerun=True,
            user_tasks=user_tasks,
            verbose=False,
            benchmark_version=BENCHMARK_VERSION,
        )
    out.utility.update({(u, None): v for (u, _), v in benign["utility_results"].items()})
    out.utility.update(attacked["utility_results"])
    out.security.update(attacked["security_results"])
    return out


async def run_redhive(
    env: DojoEnvironment, target: Any, attack: str, user_tasks: Sequence[str] | None = None, **options: Any
) -> HarnessResult:
    from redhive.engine.agentic.scan import run_agent_scan

    result = await run_agent_scan([target], [env], [attack], "flag", user_tasks=user_tasks, concurrency=1, **options)
    out = HarnessResult()
    for ep in result.episodes:
        cell = (ep.user_task, ep.injection_task)
        out.utility[cell] = bool(ep.utility)
        if ep.injection_task is not None:
            out.security[cell] = bool(ep.injection_success)
    return out


async def compare(
    env: DojoEnvironment,
    attack: str,
    *,
    redhive_target: Any,
    pipeline: Any,
    user_tasks: Sequence[str] | None = None,
    **options: Any,
) -> Agreement:
    import asyncio

    theirs = await asyncio.to_thread(run_agentdojo, env, pipeline, attack, user_tasks)
    ours = await run_redhive(env, redhive_target, attack, user_tasks, **options)
    return Agreement(env.name, attack, theirs, ours)
