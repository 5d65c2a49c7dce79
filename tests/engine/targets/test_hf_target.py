"""The `hf:` target on a tiny randomly initialised GPT-2 that the test builds offline (a word-level
tokenizer trained on a few sentences, one transformer layer), so nothing is ever downloaded."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.engine.targets.hf_local import DEFAULT_MAX_TOKENS, render_plain
from redhive.engine.types import GenerationParams, Message
from redhive.errors import NotFound, OptionalDependencyMissing

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


def build_tiny_model(folder: Path, *, chat_template: str | None = None) -> Path:
    """Save a tiny GPT-2 and its tokenizer into `folder`, built from nothing but this file."""
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
        bos_token_id=None, eos_token_id=None, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="module")
def tiny_target(tiny_model: Path) -> Target:
    return create_target(f"hf:{tiny_model}")


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
    assert tiny_target.describe() == {"spec": f"hf:{tiny_model}", "path": str(tiny_model), "device": "cpu"}


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
