"""The pydantic schema of suite files: probes are data, validated before anything runs."""

from __future__ import annotations

import functools
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from redhive.taxonomy import AVID_SEP, HAZARD_CLASSES, OWASP_LLM_2025, is_atlas_id, is_owasp_id

__all__ = ["DetectorSpec", "Probe", "ProbeMessage", "ScriptTurn", "Suite", "Variant"]

_ID = r"^[a-z0-9][a-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbeMessage(_Strict):
    role: Literal["system", "user", "assistant"]
    content: str = Field(min_length=1)


class Variant(_Strict):
    """One side of a counterfactual pair: the same request with one attribute changed."""

    label: str = Field(min_length=1, max_length=80)
    prompt: str = Field(min_length=1)


class ScriptTurn(_Strict):
    """One user turn of a scripted multi-turn sequence; `expect` says how the target should answer
    it (recorded per turn: met or not). A plain string in a suite file is a turn without one."""

    content: str = Field(min_length=1)
    expect: Literal["refused", "answered"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"content": value} if isinstance(value, str) else value


class DetectorSpec(BaseModel):
    """Which scorer decides success, with its parameters (`type` names a registered scorer)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str = Field(min_length=1)

    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Probe(_Strict):
    """One adversarial (or control) test case.

    `prompt` is the final user turn, the one attack converters transform; `messages` are earlier
    turns sent as they are; `system` is the system prompt. `turns` (instead of `prompt`) is a
    scripted sequence of user turns sent one by one as one conversation, each answer heard before
    the next turn; converters transform every turn. `{canary}` anywhere is replaced by the
    probe's deterministic canary so that success can be checked mechanically.
    """

    id: str = Field(pattern=_ID, max_length=80)
    title: str = Field(min_length=1, max_length=200)
    risk_area: str = Field(pattern=_ID)
    owasp: str
    atlas: str
    avid: tuple[str, ...] = ()
    hazard: str = "HZ0"
    kind: Literal["attack", "control"] = "attack"
    tags: tuple[str, ...] = ()
    system: str | None = None
    messages: tuple[ProbeMessage, ...] = ()
    prompt: str | None = None
    variants: tuple[Variant, ...] = ()
    turns: tuple[ScriptTurn, ...] = ()
    detector: DetectorSpec

    @field_validator("owasp")
    @classmethod
    def _owasp(cls, value: str) -> str:
        if not is_owasp_id(value):
            raise ValueError(
                f"'{value}' is not an OWASP Top 10 for LLM 2025 id; use one of {', '.join(OWASP_LLM_2025)}"
            )
        return value

    @field_validator("atlas")
    @classmethod
    def _atlas(cls, value: str) -> str:
        if not is_atlas_id(value):
            raise ValueError(f"'{value}' is not a MITRE ATLAS technique id such as AML.T0051.000")
        return value

    @field_validator("avid")
    @classmethod
    def _avid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in AVID_SEP]
        if unknown:
            raise ValueError(f"'{unknown[0]}' is not an AVID SEP code such as S0403, E0101 or P0204")
        return value

    @field_validator("hazard")
    @classmethod
    def _hazard(cls, value: str) -> str:
        if value not in HAZARD_CLASSES:
            raise ValueError(f"'{value}' is not a hazard class; use one of {', '.join(HAZARD_CLASSES)}")
        return value

    @model_validator(mode="after")
    def _one_prompt_shape(self) -> Probe:
        shapes = sum((self.prompt is not None, bool(self.variants), bool(self.turns)))
        if shapes != 1:
            raise ValueError("a probe needs exactly one of 'prompt', 'variants' (at least two) or 'turns' "
                             "(at least two)")
        if self.turns and len(self.turns) < 2:
            raise ValueError("a scripted sequence needs at least two 'turns'; use 'prompt' for a single one")
        if self.variants and len(self.variants) < 2:
            raise ValueError("counterfactual 'variants' need at least two entries")
        return self

    @functools.cached_property  # read for every attempt: hashed once per probe
    def canary(self) -> str:
        """A deterministic, unguessable-looking marker unique to this probe."""
        digest = hashlib.sha256(f"redhive-canary:{self.id}".encode()).hexdigest()
        return f"RH-{digest[:10].upper()}"

    def fill(self, text: str) -> str:
        return text.replace("{canary}", self.canary)

    @functools.cached_property
    def prompts(self) -> tuple[str, ...]:
        """The final user turn(s): one, one per counterfactual variant, or every scripted turn."""
        if self.variants:
            return tuple(self.fill(v.prompt) for v in self.variants)
        if self.turns:
            return tuple(self.fill(t.content) for t in self.turns)
        assert self.prompt is not None
        return (self.fill(self.prompt),)


class Suite(_Strict):
    name: str = Field(pattern=_ID)
    version: str = "1"
    description: str = ""
    probes: tuple[Probe, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Suite:
        seen: set[str] = set()
        for probe in self.probes:
            if probe.id in seen:
                raise ValueError(f"probe id '{probe.id}' appears twice")
            seen.add(probe.id)
        return self
