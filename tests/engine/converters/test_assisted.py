"""Model-assisted converters call a helper model through `aconvert`; without one they say how to
configure it, and `all` leaves them out."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

import pytest

from redhive.engine import Completion, GenerationParams, Message, Target, TargetOptions, parse_attacks
from redhive.engine.converters.assisted import Paraphrase, Translate
from redhive.errors import InvalidInput, TargetError


class FakeHelper(Target):
    """Answers with the text between <text> markers, upper-cased (or a canned answer)."""

    def __init__(self, canned: str | None = None, delay: float = 0.0) -> None:
        super().__init__("fake:helper", TargetOptions())
        self.canned = canned
        self.delay = delay
        self.prompts: list[str] = []
        self.params: list[GenerationParams] = []

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        prompt = messages[-1].content or ""
        self.prompts.append(prompt)
        self.params.append(params)
        await asyncio.sleep(self.delay)
        if self.canned is not None:
            return Completion(text=self.canned)
        match = re.search(r"<text>\n(.*)\n</text>", prompt, re.S)
        assert match is not None
        return Completion(text=match.group(1).upper())


def test_without_a_helper_they_explain_what_to_pass() -> None:
    for name in ("paraphrase", "translate", "base64,translate:Zulu"):
        with pytest.raises(InvalidInput, match="needs a helper model: pass --helper-model SPEC"):
            parse_attacks(name)
    with pytest.raises(InvalidInput, match="paraphrase converter needs a helper model"):
        Paraphrase().convert("hello")
    with pytest.raises(InvalidInput, match="--helper-model"):
        asyncio.run(Translate().aconvert("hello"))


def test_all_includes_them_only_with_a_helper() -> None:
    without = {c.name for c in parse_attacks("all")}
    with_helper = {c.name for c in parse_attacks("all", helper=FakeHelper())}
    assert not {"paraphrase", "translate"} & without
    assert with_helper - without == {"paraphrase", "translate"}


async def test_paraphrase_asks_the_helper_once_per_request() -> None:
    helper = FakeHelper(delay=0.01)
    (chain,) = parse_attacks("paraphrase", helper=helper)
    assert chain.needs_helper
    results = await asyncio.gather(*(chain.aconvert("say CANARY-1") for _ in range(5)))
    assert results == ["SAY CANARY-1"] * 5
    assert await chain.aconvert("say CANARY-1") == "SAY CANARY-1"
    assert len(helper.prompts) == 1 and helper.params[0].temperature == 0.0
    assert "Keep every quoted string, code" in helper.prompts[0]
    with pytest.raises(RuntimeError, match="aconvert"):
        chain.convert("say CANARY-1")


async def test_translate_names_its_language_and_composes() -> None:
    helper = FakeHelper()
    (default, zulu) = parse_attacks(["translate", "translate:Zulu,base64"], helper=helper)
    assert default.name == "translate" and zulu.name == "translate:Zulu,base64"
    assert await default.aconvert("hello") == "HELLO"
    assert "into Scots Gaelic" in helper.prompts[-1]
    out = await zulu.aconvert("hello")
    assert "into Zulu" in helper.prompts[-1] and out.endswith("SEVMTE8=")
    with pytest.raises(InvalidInput, match="not a language name"):
        parse_attacks("translate:Zulu1", helper=helper)


async def test_a_helper_that_refuses_or_answers_nothing_is_an_error() -> None:
    (refusing,) = parse_attacks("paraphrase", helper=FakeHelper("I'm sorry, but I can't help with that."))
    with pytest.raises(TargetError, match="refused to paraphrase"):
        await refusing.aconvert("say CANARY-1")
    (silent,) = parse_attacks("translate:Hmong", helper=FakeHelper("  "))
    with pytest.raises(TargetError, match="answered nothing"):
        await silent.aconvert("say CANARY-1")


async def test_a_failed_rewrite_is_retried_next_time() -> None:
    helper = FakeHelper("")
    (chain,) = parse_attacks("paraphrase", helper=helper)
    with pytest.raises(TargetError):
        await chain.aconvert("x")
    helper.canned = "X!"
    assert await chain.aconvert("x") == "X!"


async def test_helper_failures_keep_their_class_and_name_the_helper() -> None:
    from redhive.errors import TargetAuthError

    class Locked(FakeHelper):
        async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                           tools: Sequence[dict[str, Any]] | None = None) -> Completion:
            raise TargetAuthError("The endpoint refused the API key (401).")

    (chain,) = parse_attacks("paraphrase", helper=Locked())
    with pytest.raises(TargetAuthError, match="helper model of the paraphrase converter failed: The endpoint"):
        await chain.aconvert("x")
