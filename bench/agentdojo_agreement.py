"""Utility and targeted ASR of one deterministic agent under AgentDojo's own benchmark functions
and under redhive's loop, per suite, cell by cell (needs the agentdojo extra).

    .venv/bin/python bench/agentdojo_agreement.py [--suites banking,slack] [--attack important_instructions]
        [--obey 0.5] [--mock]

The agent is `sim:agent-scripted` (replays AgentDojo's ground truths; obeys an injected goal in a
hash-chosen `obey` share of the (user task, injection task) pairs). With `--mock` both harnesses
reach it over HTTP through an OpenAI-compatible mock on 127.0.0.1 (AgentDojo's `OpenAILLM`,
redhive's `openai:` target). Both run with AgentDojo's step budget (16 model turns).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import warnings

from redhive.engine.agentic import load_environment
from redhive.engine.agentic.dojo.compare import agentdojo_pipeline, compare, scripted_mock
from redhive.engine.targets.base import TargetOptions, create_target


async def one(suite: str, attack: str, obey: float, mock: bool) -> None:
    env = load_environment(f"agentdojo:{suite}")
    started = time.perf_counter()
    if mock:
        with scripted_mock(env, obey=obey).serve() as url:
            target = create_target("openai:gpt-4o-2024-05-13", TargetOptions(base_url=url, api_key="mock-key"))
            try:
                result = await compare(
                    env, attack, redhive_target=target, pipeline=agentdojo_pipeline(env, base_url=url), max_steps=16
                )
            finally:
                await target.aclose()
    else:
        target = create_target("sim:agent-scripted", TargetOptions(extra={"obey": obey}))
        result = await compare(
            env, attack, redhive_target=target, pipeline=agentdojo_pipeline(env, obey=obey), max_steps=16
        )
    took = time.perf_counter() - started
    for harness, res in (("AgentDojo", result.agentdojo), ("redhive", result.redhive)):
        r = res.rates()
        print(
            f"| {suite} | {'mock' if mock else 'in process'} | {harness} | {r['benign_utility']} | "
            f"{r['utility_under_attack']} | {r['targeted_asr']} |"
        )
    cells = len(result.agentdojo.utility) + len(result.agentdojo.security)
    print(f"|  |  | cells that differ | {len(result.disagreements)} of {cells} | {took:.0f} s both |  |")
    for line in result.disagreements:
        print(f"<!-- {line} -->")


def main() -> None:
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suites", default="banking,slack,travel,workspace")
    parser.add_argument("--attack", default="important_instructions")
    parser.add_argument("--obey", type=float, default=0.5)
    parser.add_argument("--mock", action="store_true")
    args = parser.parse_args()
    print(f"attack {args.attack}, obey {args.obey}")
    print("| suite | agent | harness | benign utility | utility under attack | targeted ASR |")
    print("|---|---|---|---|---|---|")
    for suite in args.suites.split(","):
        asyncio.run(one(suite, args.attack, args.obey, args.mock))


if __name__ == "__main__":
    main()
