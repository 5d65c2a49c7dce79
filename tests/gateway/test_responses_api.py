"""The Responses API, `models.retrieve` and embeddings through the gateway with the official openai SDK
(and LangChain's `use_responses_api=True` where langchain-openai is installed): each answers as the
SDK expects, lands on the mission's transcript chain, and `redhive audit verify` passes after them.
Streamed `n` > 1 answers are recorded one choice per index; a parameter a version cannot honour is
refused with 400 naming it."""

from __future__ import annotations

import asyncio
import json

import httpx
import openai
import pytest
from tests.gateway.conftest import World
from tests.gateway.test_sdk import TOOLS, exchanges
from tests.gateway.test_tamper import verify

RESPONSES_TOOLS = [{"type": "function", "name": "get_weather", "description": "Weather in a city.",
                    "parameters": TOOLS[0]["function"]["parameters"]}]  # type: ignore[index]


def _post(world: World, path: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{world.base_url}{path}", json=body, headers={"Authorization": f"Bearer {world.key}"},
                      timeout=10)


async def test_responses_plain_and_streamed_then_audit_verify_passes(
        world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        plain = await client.responses.create(model="mock/v1", input="What is the capital of France?",
                                              instructions="Answer briefly.", max_output_tokens=50)
        events = [e async for e in await client.responses.create(
            model="chat/v1", input=[{"role": "user", "content": [{"type": "input_text", "text": "Hello there"}]}],
            stream=True)]
        async with client.responses.stream(model="mock/v1", input="Capital of France?") as stream:
            async for _ in stream:
                pass
            final = await stream.get_final_response()
    assert plain.output_text == "Paris is the capital of France." and plain.status == "completed"
    assert plain.usage is not None and plain.usage.input_tokens == 12 and plain.usage.output_tokens == 9
    assert plain.model == "mock/v1" and plain.id.startswith("resp_")
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"] and kinds[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    streamed = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert streamed and events[-1].response.output_text == streamed  # type: ignore[union-attr]
    assert final.output_text == "Paris is the capital of France."
    forwarded = world.upstream.received[0].json()
    assert forwarded["messages"] == [{"role": "system", "content": "Answer briefly."},
                                     {"role": "user", "content": "What is the capital of France?"}]
    assert forwarded["max_tokens"] == 50 and forwarded["model"] == "mock-model"
    stored = await exchanges(world, 3)
    assert [(e.stream, e.outcome) for e in stored] == [(False, "ok"), (True, "ok"), (True, "ok")]
    assert stored[0].request["x_redhive_api"]["endpoint"] == "/v1/responses"
    assert stored[0].request["x_redhive_api"]["request"]["input"] == "What is the capital of France?"
    assert stored[1].response["choices"][0]["message"]["content"] == streamed
    assert f"resp_{stored[0].id}" == plain.id  # the Response id names the exchange
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 0, output


async def test_responses_function_calls_round_trip(world: World) -> None:
    world.upstream.tool_call = ("get_weather", json.dumps({"city": "Paris"}))
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        first = await client.responses.create(model="mock/v1", input="Weather in Paris?", tools=RESPONSES_TOOLS)  # type: ignore[arg-type]
        call = first.output[0]
        assert call.type == "function_call" and call.name == "get_weather"
        assert json.loads(call.arguments) == {"city": "Paris"}
        events = [e async for e in await client.responses.create(
            model="mock/v1", input="Weather in Paris?", tools=RESPONSES_TOOLS, stream=True)]  # type: ignore[arg-type]
        done = [e for e in events if e.type == "response.function_call_arguments.done"]
        assert done and json.loads(done[0].arguments) == {"city": "Paris"}
        world.upstream.tool_call = None
        await client.responses.create(model="mock/v1", tools=RESPONSES_TOOLS, input=[  # type: ignore[arg-type]
            {"role": "user", "content": "Weather in Paris?"},
            {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": "18 C, clear"}])
    sent = world.upstream.received[-1].json()
    assert sent["tools"] == TOOLS
    assert sent["messages"][1]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert sent["messages"][2] == {"role": "tool", "tool_call_id": call.call_id, "content": "18 C, clear"}
    stored = await exchanges(world, 3)
    assert stored[1].response["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


@pytest.mark.parametrize(("body", "param"), [
    ({"previous_response_id": "resp_1"}, "previous_response_id"),
    ({"tools": [{"type": "web_search"}]}, "tools"),
    ({"include": ["reasoning.encrypted_content", "web_search_call.action.sources"]}, "include"),
    ({"modalities": ["audio"]}, "modalities"),
])
async def test_responses_refuse_what_they_cannot_honour(world: World, body: dict[str, object], param: str) -> None:
    r = await asyncio.to_thread(_post, world, "/responses", {"model": "mock/v1", "input": "Hi", **body})
    assert r.status_code == 400 and r.json()["error"]["param"] == param, r.text
    assert param in r.json()["error"]["message"]
    assert world.upstream.requests == 0 and await exchanges(world, 0, timeout=0) == []


async def test_engine_versions_name_what_they_refuse_as_the_responses_api_does(world: World) -> None:
    body = {"model": "chat/v1", "input": "Hi", "text": {"format": {"type": "json_object"}}}
    r = await asyncio.to_thread(_post, world, "/responses", body)
    assert r.status_code == 400 and r.json()["error"]["param"] == "text" and "'text'" in r.json()["error"]["message"]


@pytest.mark.parametrize(("extra", "param"), [
    ({"n": 2}, "n"), ({"logprobs": True}, "logprobs"),
    ({"response_format": {"type": "json_object"}}, "response_format"), ({"tool_choice": "required"}, "tool_choice"),
])
async def test_engine_versions_refuse_parameters_they_would_ignore(world: World, extra: dict[str, object],
                                                                   param: str) -> None:
    body = {"model": "chat/v1", "messages": [{"role": "user", "content": "Hi"}], **extra}
    r = await asyncio.to_thread(_post, world, "/chat/completions", body)
    assert r.status_code == 400 and r.json()["error"]["param"] == param and param in r.json()["error"]["message"]
    ok = await asyncio.to_thread(_post, world, "/chat/completions", {**body, "model": "mock/v1"})
    assert ok.status_code == 200  # an OpenAI-compatible upstream takes them


async def test_streamed_choices_are_recorded_per_index(world: World) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        chunks = [c async for c in await client.chat.completions.create(
            model="mock/v1", messages=[{"role": "user", "content": "Capital?"}], n=2, stream=True)]
    by_index: dict[int, str] = {}
    for chunk in chunks:
        for choice in chunk.choices:
            by_index[choice.index] = by_index.get(choice.index, "") + (choice.delta.content or "")
    assert by_index == {0: "Paris is the capital of France.", 1: "Paris is the capital of France. #1"}
    stored = (await exchanges(world, 1))[0]
    assert [(c["index"], c["message"]["content"]) for c in stored.response["choices"]] == sorted(by_index.items())


async def test_models_retrieve_and_embeddings(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        model = await client.models.retrieve("mock/v1")
        assert model.id == "mock/v1"
        with pytest.raises(openai.NotFoundError):
            await client.models.retrieve("nope/v9")
        vectors = await client.embeddings.create(model="mock/v1", input=["alpha", "beta gamma"])
        assert [d.index for d in vectors.data] == [0, 1] and len(vectors.data[0].embedding) == 8
        assert vectors.model == "mock/v1" and vectors.usage.prompt_tokens == 3
        with pytest.raises(openai.BadRequestError) as info:
            await client.embeddings.create(model="chat/v1", input="alpha")
    assert info.value.code == "embeddings_not_available"
    assert world.upstream.received[-1].path == "/v1/embeddings"
    assert world.upstream.received[-1].json()["model"] == "mock-model"
    stored = await exchanges(world, 1)
    assert stored[0].outcome == "ok" and stored[0].request["input"] == ["alpha", "beta gamma"]
    assert stored[0].input_tokens == 3
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--json")
    assert code == 0, output
    checked = json.loads(output)  # `audit verify --json`
    assert checked["ok"] is True and checked["checked"] == 1 and checked["mission_id"] == world.mission_id


async def test_langchain_use_responses_api(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    langchain_openai = pytest.importorskip("langchain_openai")

    def ask() -> tuple[str, str]:
        llm = langchain_openai.ChatOpenAI(model="mock/v1", base_url=world.base_url, api_key=world.key,
                                          use_responses_api=True, max_retries=0)
        said = llm.invoke("What is the capital of France?")
        streamed = "".join(chunk.text for chunk in llm.stream("What is the capital of France?"))
        return said.text, streamed
    said, streamed = await asyncio.to_thread(ask)
    assert said == streamed == "Paris is the capital of France."
    stored = await exchanges(world, 2)
    assert [e.request["x_redhive_api"]["endpoint"] for e in stored] == ["/v1/responses"] * 2
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 0, output
