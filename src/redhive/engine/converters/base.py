"""Attack converters: deterministic transforms of the final user turn, composable into chains."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from redhive.engine import registry
from redhive.errors import InvalidInput

__all__ = ["Chain", "Converter", "parse_attacks"]


class Converter(abc.ABC):
    """Transforms a prompt. `name` is its registry name; `description` shows in `redhive attacks`."""

    name: str = ""
    description: str = ""

    @abc.abstractmethod
    def convert(self, text: str) -> str: ...


class Chain:
    """Converters applied left to right (`base64,roleplay` = base64 first, then role-play framing)."""

    def __init__(self, converters: Sequence[Converter]) -> None:
        self.converters = tuple(converters)
        self.name = ",".join(c.name for c in self.converters) or "none"

    def convert(self, text: str) -> str:
        for conv in self.converters:
            text = conv.convert(text)
        return text


def parse_attacks(spec: str | Sequence[str] | None) -> list[Chain]:
    """Parse `--attack` values into chains. Several `--attack` options (or `;` between chains)
    give several chains; `,` composes within one chain; `none` is the unconverted prompt and
    `all` means every registered converter alone (plus `none`)."""
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
                chains.extend(Chain([_make(n)]) for n in registry.names("converter"))
            elif part == "none":
                chains.append(Chain([]))
            else:
                chains.append(Chain([_make(n.strip()) for n in part.split(",")]))
    unique: dict[str, Chain] = {}
    for chain in chains:
        unique.setdefault(chain.name, chain)
    return list(unique.values())


def _make(name: str) -> Converter:
    cls = registry.get("converter", name)
    conv: Converter = cls()
    return conv
