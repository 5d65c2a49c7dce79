"""The gateway's Prometheus metrics at `/metrics`: requests and errors by endpoint and status or code,
latency histograms (a stream's up to its last byte), tokens by direction; aggregate (no mission or
model in any label); guarded by REDHIVE_METRICS_TOKEN when it is set (as it is here)."""

from __future__ import annotations

import asyncio

import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.gateway.conftest import World
from tests.gateway.test_sdk import ASK, exchanges

SCRAPER = {"Authorization": "Bearer scrape-token-for-tests"}


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_gateway_metrics_count_requests_errors_latency_and_tokens(world: World) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        await client.chat.completions.create(model="mock/v1", messages=ASK)  # type: ignore[arg-type]
        [e async for e in await client.responses.create(model="mock/v1", input="Capital?", stream=True)]
        with pytest.raises(openai.NotFoundError):
            await client.chat.completions.create(model="nope/v9", messages=ASK)  # type: ignore[arg-type]
    await exchanges(world, 2)  # the stream's exchange (and its tokens) are recorded just after it ends
    text = (await asyncio.to_thread(httpx.get, f"{world.root}/metrics", timeout=10, headers=SCRAPER)).text
    got = _samples(text)
    assert got[("redhive_gateway_requests_total", (("endpoint", "chat"), ("status", "200")))] == 1
    assert got[("redhive_gateway_requests_total", (("endpoint", "responses"), ("status", "200")))] == 1
    assert got[("redhive_gateway_errors_total", (("code", "model_not_found"), ("endpoint", "chat")))] == 1
    assert got[("redhive_gateway_request_duration_seconds_count", (("endpoint", "chat"),))] == 2
    assert got[("redhive_gateway_tokens_total", (("direction", "input"), ("endpoint", "chat")))] == 12
    assert got[("redhive_gateway_tokens_total", (("direction", "output"), ("endpoint", "responses")))] == 9
    assert world.mission_id not in text and "mock/v1" not in text  # aggregate: no mission, no model


@pytest.fixture
def gateway_settings() -> dict[str, object]:
    return {"gateway_upstream_timeout": 2.0, "metrics_token": SCRAPER["Authorization"].removeprefix("Bearer ")}


async def test_metrics_token_guards_metrics_when_set(world: World) -> None:
    bare = await asyncio.to_thread(httpx.get, f"{world.root}/metrics", timeout=10)
    scraped = await asyncio.to_thread(httpx.get, f"{world.root}/metrics", timeout=10,
                                      headers=SCRAPER)
    assert bare.status_code == 401 and "REDHIVE_METRICS_TOKEN" in bare.text
    assert scraped.status_code == 200 and "redhive_gateway_requests_total" in scraped.text
