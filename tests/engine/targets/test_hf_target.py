"""The `hf:` target on a tiny randomly initialised GPT-2 that the test builds offline (a word-level
tokenizer trained on a few sentences, one transformer layer), so nothing is ever downloaded.

The behaviour tests run twice: one request per `generate` (batch_size 1) and micro-batched (4); the
batcher's own tests count `model.generate` calls by wrapping it."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.engine.targets.hf_local import DEFAULT_MAX_TOKENS, HFLocalTarget, default_batch_size, render_plain
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import (
    InvalidInput,
    NotFound,
    OptionalDependencyMissing,
    TargetError,
    TargetRejected,
    TransientTargetError,
)

SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "system: you are a careful assistant",
    "user: hello there assistant: hi how are you today",
    "a red team tests the model with many prompts and keeps the results",
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<{{ m['role'] }}> {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<assistant>{% endif %}"
)
CONVERSATION = [Message("system", "you are a careful assistant"), Message("user", "hello there")]
#: Prompts of different lengths, so that a batch of them is left-padded.
PROMPTS = [
    "hello there",
    "the quick brown fox jumps over the lazy dog",
    "a red team tests the model",
    "hi",
    "you are a careful assistant and the model keeps the results of many prompts",
    "how are you today",
]


def build_tiny_model(folder: Path, *, chat_template: str | None = None, init_range: float = 0.02) -> Path:
    """Save a tiny GPT-2 and its tokenizer into `folder`, built from nothing but this file. GPT-2's
    usual weight scale (0.02) makes a model that soon repeats one word; 0.2 gives varied answers."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    words = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    special = ["[UNK]", "[PAD]", "<system>", "<user>", "<assistant>"]
    words.train_from_iterator(SENTENCES, trainers.WordLevelTrainer(special_tokens=special))
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=words, unk_token="[UNK]", pad_token="[PAD]")
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    tokenizer.save_pretrained(folder)
    # No end-of-sequence token: every answer runs to max_tokens, so token counts are exact.
    config = transformers.GPT2Config(
        vocab_size=words.get_vocab_size(), n_layer=1, n_head=2, n_embd=32, n_positions=256,
        bos_token_id=None, eos_token_id=None, pad_token_id=tokenizer.pad_token_id, initializer_range=init_range,
    )
    torch.manual_seed(0)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="module", params=[1, 4], ids=["solo", "batched"])
def tiny_target(tiny_model: Path, request: pytest.FixtureRequest) -> Iterator[Target]:
    target = create_target(f"hf:{tiny_model}", TargetOptions(extra={"batch_size": request.param}))
    yield target
    asyncio.run(target.aclose())


@pytest.fixture(scope="module")
def lively_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with larger weights: its greedy answers differ from prompt to prompt."""
    return build_tiny_model(tmp_path_factory.mktemp("lively-gpt2"), init_range=0.2)


Factory = Callable[..., HFLocalTarget]


@pytest.fixture
async def make_target(lively_model: Path) -> AsyncIterator[Factory]:
    """Fresh targets on the lively tiny model with the given extra options, closed after the test."""
    made: list[HFLocalTarget] = []

    def make(**extra: Any) -> HFLocalTarget:
        target = create_target(f"hf:{lively_model}", TargetOptions(extra=extra))
        assert isinstance(target, HFLocalTarget)
        made.append(target)
        return target

    yield make
    for target in made:
        await asyncio.wait_for(target.aclose(), 30)


def count_generate(target: HFLocalTarget, before: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Wrap the model's `generate`: every call is recorded (rows, width, keyword arguments), and
    `before(n)` runs first in call number n (it may raise, or wait)."""
    calls: list[dict[str, Any]] = []
    original = target.model.generate

    def generate(input_ids: Any, **kwargs: Any) -> Any:
        calls.append({"rows": int(input_ids.shape[0]), "width": int(input_ids.shape[1]), **kwargs})
        if before is not None:
            before(len(calls))
        return original(input_ids, **kwargs)

    target.model.generate = generate
    return calls


def conversation(prompt: str) -> list[Message]:
    return [Message("user", prompt)]


async def answer_all(target: Target, prompts: Sequence[str], params: GenerationParams) -> list[Completion]:
    """Every prompt at once (one event-loop turn submits them all)."""
    return list(await asyncio.gather(*(target.generate(conversation(p), params=params) for p in prompts)))


def token_count(folder: Path, text: str, *, special: bool = True) -> int:
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return len(tokenizer(text, add_special_tokens=special)["input_ids"])


@pytest.mark.hf
async def test_answers_with_text_and_token_usage(tiny_model: Path, tiny_target: Target) -> None:
    completion = await tiny_target.generate(CONVERSATION, params=GenerationParams(max_tokens=6))

    assert isinstance(completion.text, str) and completion.text
    assert completion.usage.output_tokens == 6
    assert completion.usage.input_tokens == token_count(tiny_model, render_plain(CONVERSATION))
    assert completion.finish_reason == "length"
    assert completion.model == f"hf:{tiny_model}"
    assert tiny_target.describe() == {"spec": f"hf:{tiny_model}", "path": str(tiny_model), "device": "cpu",
                                      "batch_size": getattr(tiny_target, "batch_size", None)}


@pytest.mark.hf
async def test_max_tokens_defaults_to_64(tiny_target: Target) -> None:
    completion = await tiny_target.generate(CONVERSATION, params=GenerationParams())
    assert completion.usage.output_tokens == DEFAULT_MAX_TOKENS == 64


@pytest.mark.hf
async def test_greedy_is_deterministic_and_seeds_make_sampling_deterministic(tiny_target: Target) -> None:
    async def answer(**params: Any) -> str:
        completion = await tiny_target.generate(CONVERSATION, params=GenerationParams(max_tokens=16, **params))
        return completion.text

    assert await answer() == await answer()
    first = await answer(temperature=1.5, seed=11)
    assert first == await answer(temperature=1.5, seed=11)
    # Near-uniform random weights: two seeds drawing the same 16 words is practically impossible.
    assert first != await answer(temperature=1.5, seed=12)


@pytest.mark.hf
async def test_stop_sequences_cut_the_answer(tiny_target: Target) -> None:
    full = (await tiny_target.generate(CONVERSATION, params=GenerationParams(max_tokens=12))).text
    stop = full.split()[2]
    cut = await tiny_target.generate(CONVERSATION, params=GenerationParams(max_tokens=12, stop=(stop,)))
    assert cut.text == full[: full.find(stop)].strip()
    assert cut.finish_reason == "stop"


@pytest.mark.hf
async def test_concurrent_requests_take_turns(tiny_target: Target) -> None:
    params = GenerationParams(max_tokens=5)
    answers = await asyncio.gather(*(tiny_target.generate(CONVERSATION, params=params) for _ in range(4)))
    assert len({a.text for a in answers}) == 1
    assert all(a.usage.output_tokens == 5 for a in answers)


@pytest.mark.hf
async def test_chat_template_is_used_when_the_tokenizer_has_one(tmp_path: Path) -> None:
    folder = build_tiny_model(tmp_path / "templated", chat_template=CHAT_TEMPLATE)
    target = create_target(f"hf:{folder}")

    completion = await target.generate(CONVERSATION, params=GenerationParams(max_tokens=3))

    prompt = "<system> you are a careful assistant\n<user> hello there\n<assistant>"
    assert completion.usage.input_tokens == token_count(folder, prompt, special=False)
    assert completion.usage.input_tokens != token_count(folder, render_plain(CONVERSATION))


# -- micro-batching ------------------------------------------------------------------------------


@pytest.mark.hf
def test_batch_size_defaults_by_device_and_is_checked(tiny_model: Path) -> None:
    assert default_batch_size("cpu") == 4 and default_batch_size("cuda") == default_batch_size("cuda:1") == 8
    assert create_target(f"hf:{tiny_model}").describe()["batch_size"] == 4
    assert create_target(f"hf:{tiny_model}", TargetOptions(extra={"batch_size": "16"})).describe()["batch_size"] == 16
    for bad in (0, -1, 2.5, "many", True, None):
        with pytest.raises(InvalidInput, match="batch_size"):
            create_target(f"hf:{tiny_model}", TargetOptions(extra={"batch_size": bad}))
    with pytest.raises(InvalidInput, match="batch_window_ms"):
        create_target(f"hf:{tiny_model}", TargetOptions(extra={"batch_window_ms": -5}))


@pytest.mark.hf
async def test_batched_greedy_answers_equal_answers_alone(make_target: Factory) -> None:
    solo, batched = make_target(batch_size=1), make_target(batch_size=8, batch_window_ms=200)
    calls = count_generate(batched)
    params = GenerationParams(max_tokens=12)

    alone = [await solo.generate(conversation(p), params=params) for p in PROMPTS]
    together = await answer_all(batched, PROMPTS, params)

    assert [c["rows"] for c in calls] == [len(PROMPTS)]  # one left-padded batch
    assert together == alone  # text, usage (own prompt length, own new tokens) and finish reason
    assert len({c.usage.input_tokens for c in together}) > 1 and len({c.text for c in together}) == len(PROMPTS)
    assert all(c.usage.output_tokens == 12 and c.finish_reason == "length" for c in together)


@pytest.mark.hf
async def test_rows_that_end_early_count_only_their_own_tokens(make_target: Factory) -> None:
    """With an end-of-sequence token some rows finish before others (the rest of their row is
    padding): each answer still equals the one the prompt gets alone."""
    solo, batched = make_target(batch_size=1), make_target(batch_size=8, batch_window_ms=200)
    params = GenerationParams(max_tokens=12)
    free = [await solo.generate(conversation(p), params=params) for p in PROMPTS]
    # A word the first answer produces after a few others, and some other answer never does,
    # becomes the end-of-sequence token.
    word = next(w for w in free[0].text.split()[2:] if any(w not in f.text.split() for f in free[1:]))
    eos = solo.tokenizer.convert_tokens_to_ids(word)
    for target in (solo, batched):
        target.model.generation_config.eos_token_id = eos

    alone = [await solo.generate(conversation(p), params=params) for p in PROMPTS]
    together = await answer_all(batched, PROMPTS, params)

    assert together == alone
    assert 3 <= alone[0].usage.output_tokens < 12 and alone[0].finish_reason == "stop"
    assert any(c.usage.output_tokens == 12 for c in alone)  # ... while some rows ran to the end


@pytest.mark.hf
async def test_sixteen_concurrent_requests_take_at_most_five_generate_calls(make_target: Factory) -> None:
    target = make_target(batch_size=4, batch_window_ms=100)
    calls = count_generate(target)
    prompts = [PROMPTS[i % len(PROMPTS)] for i in range(16)]

    answers = await answer_all(target, prompts, GenerationParams(max_tokens=6))

    assert len(calls) <= 4 + 1 and all(c["rows"] <= 4 for c in calls)
    assert sum(c["rows"] for c in calls) == 16
    by_prompt = {p: a.text for p, a in zip(prompts, answers, strict=True)}
    assert all(a.text == by_prompt[p] for p, a in zip(prompts, answers, strict=True))


@pytest.mark.hf
async def test_batch_size_one_runs_each_request_alone(make_target: Factory) -> None:
    target = make_target(batch_size=1)
    calls = count_generate(target)
    await answer_all(target, PROMPTS[:4], GenerationParams(max_tokens=3))
    assert [c["rows"] for c in calls] == [1, 1, 1, 1]
    assert "stopping_criteria" not in calls[0]  # the unbatched path is today's, untouched


@pytest.mark.hf
async def test_requests_with_different_parameters_never_share_a_batch(make_target: Factory) -> None:
    target = make_target(batch_size=8, batch_window_ms=200)
    calls = count_generate(target)
    groups = [
        GenerationParams(max_tokens=4),
        GenerationParams(max_tokens=5),
        GenerationParams(max_tokens=4, stop=("fox",)),
        GenerationParams(max_tokens=4, temperature=1.2, seed=1),
        GenerationParams(max_tokens=4, temperature=1.2, seed=2),
        GenerationParams(max_tokens=4, temperature=1.2, top_p=0.9, seed=1),
    ]
    requests = [(params, prompt) for prompt in PROMPTS[:3] for params in groups]  # interleaved arrivals

    answers = await asyncio.gather(*(target.generate(conversation(p), params=params) for params, p in requests))

    assert [c["rows"] for c in calls] == [3] * len(groups)  # one batch per group, in order of arrival
    for call, params in zip(calls, groups, strict=True):
        assert call["max_length"] - call["width"] == params.max_tokens
        assert call["do_sample"] is bool(params.temperature)
        assert call.get("top_p") == (params.top_p or 1.0)
    for (params, _), answer in zip(requests, answers, strict=True):
        assert answer.usage.output_tokens == params.max_tokens


@pytest.mark.hf
async def test_close_with_pending_work_fails_it_instead_of_hanging(make_target: Factory) -> None:
    target = make_target(batch_size=2, batch_window_ms=0)
    started = threading.Event()

    def hold(n: int) -> None:  # the first batch starts generating only once aclose has begun
        started.set()
        assert target._closing.wait(10)

    calls = count_generate(target, hold)
    params = GenerationParams(max_tokens=200)
    pending = [asyncio.ensure_future(target.generate(conversation(p), params=params)) for p in PROMPTS]
    await asyncio.to_thread(started.wait, 10)

    await asyncio.wait_for(target.aclose(), 10)
    results = await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), 10)

    # The running batch stopped at its first token, the waiting ones never ran: all fail, fatally.
    assert len(calls) == 1
    assert all(isinstance(r, TargetRejected) and r.fatal and "closed" in r.message for r in results)
    assert target._thread is not None and not target._thread.is_alive()
    with pytest.raises(TargetRejected, match="closed"):
        await target.generate(CONVERSATION, params=params)
    await target.aclose()  # twice is fine


@pytest.mark.hf
async def test_a_request_given_up_while_waiting_is_dropped(make_target: Factory) -> None:
    target = make_target(batch_size=2, batch_window_ms=0)
    started, release = threading.Event(), threading.Event()

    def hold_first(n: int) -> None:
        if n == 1:
            started.set()
            assert release.wait(10)

    calls = count_generate(target, hold_first)
    params = GenerationParams(max_tokens=3)
    tasks = [asyncio.ensure_future(target.generate(conversation(p), params=params)) for p in PROMPTS[:4]]
    await asyncio.to_thread(started.wait, 10)
    tasks[3].cancel()  # as the gate's timeout does
    release.set()

    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)

    assert [c["rows"] for c in calls] == [2, 1]
    assert all(isinstance(r, Completion) for r in results[:3]) and isinstance(results[3], asyncio.CancelledError)


@pytest.mark.hf
@pytest.mark.parametrize(("raised", "expected"), [
    (RuntimeError("index out of range in self"), TargetRejected),
    ("oom", TransientTargetError),
])
async def test_a_failing_generate_fails_only_its_batch(make_target: Factory, raised: Any,
                                                       expected: type[TargetError]) -> None:
    torch = pytest.importorskip("torch")
    error = torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB") if raised == "oom" else raised
    target = make_target(batch_size=4, batch_window_ms=100)
    def fail_first(n: int) -> None:
        if n == 1:
            raise error

    calls = count_generate(target, fail_first)
    prompts = [PROMPTS[i % len(PROMPTS)] for i in range(8)]

    results = await asyncio.gather(*(target.generate(conversation(p), params=GenerationParams(max_tokens=3))
                                     for p in prompts), return_exceptions=True)

    assert [c["rows"] for c in calls] == [4, 4]
    assert all(type(r) is expected for r in results[:4])
    assert all(isinstance(r, Completion) for r in results[4:])
    assert str(results[0]).startswith(f"{target.spec} ")
    # The batcher lives on: the next request is answered.
    assert (await target.generate(CONVERSATION, params=GenerationParams(max_tokens=2))).usage.output_tokens == 2


@pytest.mark.hf
def test_device_comes_from_options_extra(tiny_model: Path) -> None:
    target = create_target(f"hf:{tiny_model}", TargetOptions(extra={"device": "cpu"}))
    assert target.describe()["device"] == "cpu"


@pytest.mark.hf
def test_missing_path_is_not_found(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    missing = tmp_path / "no-such-model"
    with pytest.raises(NotFound, match="does not exist") as caught:
        create_target(f"hf:{missing}")
    assert str(missing) in str(caught.value) and "\n" not in str(caught.value)
    # A hub-style name is a missing local path too: it is never fetched.
    with pytest.raises(NotFound, match="never downloaded"):
        create_target("hf:some-org/some-model-that-is-not-here")


@pytest.mark.hf
def test_folder_without_a_model_is_not_found(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(NotFound, match="holds no model"):
        create_target(f"hf:{tmp_path}")
    (tmp_path / "config.json").write_text("{}")  # a config but no weights or tokenizer
    with pytest.raises(NotFound, match="holds no"):
        create_target(f"hf:{tmp_path}")


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(OptionalDependencyMissing, match=r"redhive\[hf\]"):
        create_target(f"hf:{tmp_path}")


def test_plain_prompt_joins_roles() -> None:
    assert render_plain(CONVERSATION) == (
        "system: you are a careful assistant\nuser: hello there\nassistant:"
    )
