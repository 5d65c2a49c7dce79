"""Hazard screen cost: what the gateway's first policy step adds to an exchange, in one run.

    .venv/bin/python bench/hazard_screen.py            # about 30 s
    .venv/bin/python bench/hazard_screen.py --quick    # a few seconds

For the same requests and answers (held-out texts of the surrogate set, and red-team probes of the
built-in suites), the policy pipeline runs twice per exchange — before (the request) and after
(the answer) — once with the deny list alone and once with the hazard screen in front of it, as the
gateway runs it. Reported: per-exchange p50/p99 of each, the screen's added milliseconds, and the
share of ordinary red-team probes the screen flags and stops (it stops only at a score of 0.7 or
more, safeguards/policy.py). Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import timedelta

from redhive.engine import load_suite
from redhive.kit import utcnow
from redhive.safeguards import CheckContext, DenyList, Pipeline
from redhive.safeguards.labels import HELDOUT, read_labels
from redhive.safeguards.policy import HazardScreen, Standing
from redhive.safeguards.screening import create_classifier


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _exchange(pipeline: Pipeline, prompt: str, answer: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    ctx = CheckContext("bench", "bench", "self_declared", "m", {"messages": [{"role": "user", "content": prompt}]})
    before = await pipeline.run("before", ctx)
    after = await pipeline.run("after", CheckContext(*(getattr(ctx, f) for f in ("mission_id", "user_id",
                                                                                 "vetting_level", "model",
                                                                                 "request")), answer))
    return (time.perf_counter() - started) * 1000, [d.action for d in before + after]


async def main(quick: bool) -> None:
    classifier = create_classifier("builtin")
    await classifier.screen(["warm-up"])
    standing = Standing("self_declared", "T0_public", "HZ1", (("biology", utcnow() + timedelta(days=1)),))
    deny = DenyList(["project nightjar"])
    plain, screened = Pipeline([deny]), Pipeline([HazardScreen(classifier, standing), deny])
    rows = read_labels(HELDOUT)
    prompts = [r.text for r in rows if r.kind == "prompt"]
    answers = [r.text for r in rows if r.kind == "completion"] or ["Sure."]
    probes = [t for name in ("core", "extended") for p in load_suite(name).probes if p.risk_area != "jailbreak"
              for t in p.prompts]
    rounds = 1 if quick else 5
    costs: dict[str, list[float]] = {"deny list only": [], "hazard screen + deny list": []}
    for _ in range(rounds):
        for i, prompt in enumerate(prompts):
            answer = answers[i % len(answers)]
            for name, pipeline in (("deny list only", plain), ("hazard screen + deny list", screened)):
                costs[name].append((await _exchange(pipeline, prompt, answer))[0])
    for name, values in costs.items():
        print(f"{name:>28}: p50 {_pct(values, 0.5):.3f} ms  p99 {_pct(values, 0.99):.3f} ms  "
              f"(n={len(values)}, before + after per exchange)")
    added = statistics.median(costs["hazard screen + deny list"]) - statistics.median(costs["deny list only"])
    print(f"{'added by the hazard screen':>28}: {added:.3f} ms per exchange at p50")
    outcomes = [await _exchange(screened, probe, "Here is a short answer.") for probe in probes]
    flagged = sum("flag" in actions for _, actions in outcomes)
    stopped = sum("block" in actions or "escalate" in actions for _, actions in outcomes)
    print(f"{'red-team probes (non-jailbreak)':>28}: {len(probes)}; flagged {flagged} "
          f"({flagged / len(probes):.1%}), stopped {stopped} ({stopped / len(probes):.1%}) on a HZ1 mission")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round (a smoke run)")
    asyncio.run(main(parser.parse_args().quick))
