"""Attack converters: transforms of the final user turn, composable into chains.

Most converters are pure and deterministic (`convert`). Model-assisted ones (paraphrase,
translate) ask a *helper model* and only work through `aconvert`; they are built with the helper
that `parse_attacks(..., helper=...)` passes them. A converter may take one option written after a
colon (`many_shot:64`, `translate:Zulu`).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Protocol

from redhive.engine import registry
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import InvalidInput

__all__ = ["Chain", "Converter", "HelperModel", "Reversible", "Template", "parse_attacks"]


class HelperModel(Protocol):
    """What a model-assisted converter calls: a `Target`, or a `TargetGate` around one."""

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams) -> Completion: ...


class Converter(abc.ABC):
    """Transforms a prompt. `name` is its registry name; `description` shows in `redhive attacks`."""

    name: str = ""
    description: str = ""
    #: The family the converter belongs to (encoding, cipher, obfuscation, framing, …).
    family: str = ""
    #: True when the converter calls a helper model: only `aconvert` works, and only with a helper.
    needs_helper: bool = False

    @abc.abstractmethod
    def convert(self, text: str) -> str: ...

    async def aconvert(self, text: str) -> str:
        """Asynchronous conversion; pure converters just call `convert`."""
        return self.convert(text)

    @classmethod
    def create(cls, option: str | None = None, helper: HelperModel | None = None) -> Converter:
        """Build the converter for `name[:option]`; override to accept an option or a helper."""
        if option is not None:
            raise InvalidInput(f"The {cls.name} converter takes no option: write '{cls.name}', "
                               f"not '{cls.name}:{option}'.")
        return cls()


class Reversible(Converter):
    """A converter whose output still holds the whole request: `decode` recovers it exactly."""

    @abc.abstractmethod
    def decode(self, converted: str) -> str:
        """Recover the original request from this converter's output."""


class Template(Reversible):
    """Output = `before` + `encode(text)` + `after`; subclasses set the texts and, for encodings,
    `encode` and its inverse `unencode`."""

    before: str = ""
    after: str = ""

    def encode(self, text: str) -> str:
        return text

    def unencode(self, encoded: str) -> str:
        return encoded

    def convert(self, text: str) -> str:
        return f"{self.before}{self.encode(text)}{self.after}"

    def decode(self, converted: str) -> str:
        if not (converted.startswith(self.before) and converted.endswith(self.after)):
            raise ValueError(f"This text was not produced by the {self.name} converter.")
        return self.unencode(converted[len(self.before):len(converted) - len(self.after)])


READABLE_FAMILIES = frozenset({"framing", "structure", "priming", "model-assisted"})


class Chain:
    """Converters applied left to right (`base64,roleplay` = base64 first, then role-play framing)."""

    def __init__(self, converters: Sequence[Converter]) -> None:
        self.converters = tuple(converters)
        self.name = ",".join(c.name for c in self.converters) or "none"
        #: Whether a converter of the chain calls a helper model (use `aconvert`).
        self.needs_helper = any(c.needs_helper for c in self.converters)
        #: Whether the request stays readable as written (framing, structure, priming; no encoding,
        #: cipher or obfuscation): over-refusal controls run only through such chains, since a
        #: harmless request a target cannot decode is not one it refused.
        self.keeps_request = all(c.family in READABLE_FAMILIES for c in self.converters)

    def convert(self, text: str) -> str:
        for conv in self.converters:
            text = conv.convert(text)
        return text

    async def aconvert(self, text: str) -> str:
        """Convert with every converter in turn, awaiting model-assisted ones."""
        for conv in self.converters:
            text = await conv.aconvert(text)
        return text


def parse_attacks(spec: str | Sequence[str] | None, *, helper: HelperModel | None = None) -> list[Chain]:
    """Parse `--attack` values into chains. Several `--attack` options (or `;` between chains)
    give several chains; `,` composes within one chain; `name:option` passes a converter its
    option; `none` is the unconverted prompt and `all` means every registered converter alone
    (plus `none`) — without the model-assisted ones when no `helper` model is given."""
    if spec is None:
        return [Chain([])]
    items = [spec] if isinstance(spec, str) else list(spec)
    chains: list[Chain] = []
    for item in items:
        for part in item.split(";"):
            part = part.strip()
            if not part:
                raise InvalidInput("An --attack value is empty: give converter names such as base64,roleplay.")
            if part == "all":
                chains.append(Chain([]))
                chains.extend(Chain([_make(n, helper)]) for n in registry.names("converter")
                              if helper is not None or not getattr(registry.get("converter", n), "needs_helper", False))
            elif part == "none":
                chains.append(Chain([]))
            else:
                chains.append(Chain([_make(n.strip(), helper) for n in part.split(",")]))
    unique: dict[str, Chain] = {}
    for chain in chains:
        unique.setdefault(chain.name, chain)
    return list(unique.values())


def _make(word: str, helper: HelperModel | None) -> Converter:
    name, sep, option = (s.strip() for s in word.partition(":"))
    if sep and not option:
        raise InvalidInput(f"The converter option in '{word}' is empty: write '{name}' or '{name}:VALUE'.")
    factory = registry.get("converter", name)
    if isinstance(factory, type) and issubclass(factory, Converter):
        return factory.create(option if sep else None, helper)
    if sep:  # a plugin's plain factory takes no option
        raise InvalidInput(f"The {name} converter takes no option: write '{name}', not '{word}'.")
    conv: Converter = registry.get("converter", name)()
    return conv
