"""Inspect AI with its default provider settings (its `openai` provider speaks the Responses API)
evaluates a model through the gateway: the sample is answered and scored, every call lands on the
mission's transcript, and `redhive audit verify` passes after it. Skipped without inspect-ai."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.gateway.conftest import World
from tests.gateway.test_sdk import exchanges
from tests.gateway.test_tamper import verify


# Inspect's own dependencies warn (a tenacity deprecation; anyio streams left to the collector):
# not redhive's to fix, and the suite turns warnings into errors.
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
async def test_inspect_eval_through_the_gateway(world: World, db_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("inspect_ai")
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import includes
    from inspect_ai.solver import generate

    task = Task(dataset=[Sample(input="What is the capital of France?", target="Paris")], solver=generate(),
                scorer=includes())

    monkeypatch.setenv("OPENAI_API_KEY", world.key)  # how Inspect's openai provider takes its key

    def evaluate() -> object:
        return inspect_eval(task, model="openai/mock/v1", model_base_url=world.base_url, display="none",
                            log_dir=str(tmp_path / "logs"))[0]
    log = await asyncio.to_thread(evaluate)
    assert log.status == "success", log.error  # type: ignore[attr-defined]
    assert log.results.scores[0].metrics["accuracy"].value == 1.0  # type: ignore[attr-defined]
    stored = await exchanges(world, 1)
    assert stored and all(e.outcome == "ok" for e in stored)
    assert world.upstream.received[-1].path == "/v1/chat/completions"  # the upstream speaks chat only
    used = {e.request.get("x_redhive_api", {}).get("endpoint", "/v1/chat/completions") for e in stored}
    assert used == {"/v1/responses"}, used  # Inspect's default for the openai provider
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 0, output
