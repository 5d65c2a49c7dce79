"""The official openai SDK, sync and async, streaming and not, with tools, through the gateway: it
gets what a direct call to the upstream gives, and every exchange lands in the transcript."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest
from sqlalchemy import func, select
from tests.gateway.conftest import World

from redhive.gateway.models import Exchange

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city.",
                                           "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                          "required": ["city"]}}}]
ASK = [{"role": "user", "content": "What is the capital of France?"}]


async def exchanges(world: World, expected: int, timeout: float = 5.0) -> list[Exchange]:
    """The mission's exchanges, once `expected` of them are stored (streams are recorded just after)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with world.db.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(Exchange)
                                         .where(Exchange.mission_id == world.mission_id))
            if count >= expected or asyncio.get_running_loop().time() > deadline:
                rows = (await session.scalars(select(Exchange).where(Exchange.mission_id == world.mission_id)
                                              .order_by(Exchange.seq))).all()
                return list(rows)
        await asyncio.sleep(0.05)


def direct_call(world: World, **kwargs: object) -> openai.types.chat.ChatCompletion:
    with openai.OpenAI(base_url=world.upstream_url, api_key="unused") as client:
        return client.chat.completions.create(model="mock-model", **kwargs)  # type: ignore[call-overload, no-any-return]


def test_models_lists_only_the_missions_systems(world: World) -> None:
    with openai.OpenAI(base_url=world.base_url, api_key=world.key) as client:
        assert sorted(m.id for m in client.models.list()) == ["chat/v1", "mock/v1"]


async def test_sync_and_async_non_streamed_match_a_direct_call(world: World) -> None:
    direct = direct_call(world, messages=ASK)

    def sync_call() -> openai.types.chat.ChatCompletion:
        with openai.OpenAI(base_url=world.base_url, api_key=world.key) as client:
            return client.chat.completions.create(model="mock/v1", messages=ASK, temperature=0.2)  # type: ignore[arg-type]
    via = await asyncio.to_thread(sync_call)
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key) as client:
        async_via = await client.chat.completions.create(model="mock/v1", messages=ASK)  # type: ignore[arg-type]
    for got in (via, async_via):
        assert got.choices[0].message.content == direct.choices[0].message.content
        assert got.usage is not None and direct.usage is not None
        assert got.usage.total_tokens == direct.usage.total_tokens
        assert got.model == "mock/v1"
    forwarded = world.upstream.received[-2].json()
    assert forwarded["model"] == "mock-model" and forwarded["temperature"] == 0.2
    stored = await exchanges(world, 2)
    assert [e.outcome for e in stored] == ["ok", "ok"]
    assert stored[0].request["temperature"] == 0.2 and stored[0].user_id == world.participant.user_id
    assert stored[0].response["choices"][0]["message"]["content"] == direct.choices[0].message.content


async def test_streams_reassemble_to_the_direct_answer(world: World) -> None:
    direct = direct_call(world, messages=ASK)

    def sync_stream() -> str:
        with openai.OpenAI(base_url=world.base_url, api_key=world.key) as client:
            return "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
                model="mock/v1", messages=ASK, stream=True) if c.choices)  # type: ignore[arg-type]
    text = await asyncio.to_thread(sync_stream)
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key) as client:
        parts = [c.choices[0].delta.content or "" async for c in await client.chat.completions.create(
            model="chat/v1", messages=ASK, stream=True) if c.choices]  # type: ignore[arg-type]
    assert text == direct.choices[0].message.content
    assert "".join(parts)  # the sim upstream streams through the engine path
    stored = await exchanges(world, 2)
    assert [(e.stream, e.outcome) for e in stored] == [(True, "ok"), (True, "ok")]
    assert stored[0].response["choices"][0]["message"]["content"] == text  # reassembled
    assert stored[1].response["choices"][0]["message"]["content"] == "".join(parts)


async def test_tool_calls_pass_through_streamed_and_not(world: World) -> None:
    world.upstream.tool_call = ("get_weather", json.dumps({"city": "Paris"}))
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key) as client:
        await _tools(world, client)


async def _tools(world: World, client: openai.AsyncOpenAI) -> None:
    done = await client.chat.completions.create(model="mock/v1", messages=ASK, tools=TOOLS)  # type: ignore[arg-type]
    call = done.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}
    assert done.choices[0].finish_reason == "tool_calls"
    streamed = [c async for c in await client.chat.completions.create(
        model="mock/v1", messages=ASK, tools=TOOLS, stream=True)]  # type: ignore[arg-type]
    calls = [tc for c in streamed if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert calls and calls[0].function and calls[0].function.name == "get_weather"
    assert world.upstream.received[-1].json()["tools"] == TOOLS
    stored = await exchanges(world, 2)
    assert stored[1].response["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


async def test_conversation_turns_share_a_session(world: World) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key) as client:
        first = await client.chat.completions.create(model="chat/v1", messages=ASK)  # type: ignore[arg-type]
        follow = [*ASK, {"role": "assistant", "content": first.choices[0].message.content or ""},
                  {"role": "user", "content": "And of Italy?"}]
        await client.chat.completions.create(model="chat/v1", messages=follow)  # type: ignore[arg-type]
        await client.chat.completions.create(model="chat/v1", messages=[{"role": "user", "content": "Hello"}])
    stored = await exchanges(world, 3)
    assert stored[0].session_id == stored[1].session_id != stored[2].session_id


@pytest.mark.parametrize("model", ["nope/v9", "chat/v2"])
async def test_unknown_models_are_404_in_openai_shape(world: World, model: str) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        with pytest.raises(openai.NotFoundError) as info:
            await client.chat.completions.create(model=model, messages=ASK)  # type: ignore[arg-type]
    assert "not part of this mission" in str(info.value) and info.value.code == "model_not_found"
