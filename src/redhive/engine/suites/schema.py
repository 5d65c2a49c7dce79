"""The pydantic schema of suite files: probes are data, validated before anything runs."""

from __future__ import annotations

import functools
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from redhive.engine.suites.languages import LANGUAGES, language_of
from redhive.taxonomy import AVID_SEP, HAZARD_CLASSES, OWASP_LLM_2025, is_atlas_id, is_owasp_id

__all__ = ["ApplicationForm", "DetectorSpec", "Probe", "ProbeMessage", "ScriptTurn", "Suite", "Variant"]

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


class ApplicationForm(_Strict):
    """How a probe runs against an application, which keeps its own system prompt and never sees the
    scanner's: what replaces the probe's prompt, earlier turns and detector there (each optional).
    The probe's `system` is never sent to an application; context it needs goes in the prompt."""

    prompt: str | None = Field(default=None, min_length=1)
    messages: tuple[ProbeMessage, ...] | None = None
    detector: DetectorSpec | None = None


class Probe(_Strict):
    """One adversarial (or control) test case.

    `prompt` is the final user turn, the one attack converters transform; `messages` are earlier
    turns sent as they are; `system` is the system prompt. `turns` (instead of `prompt`) is a
    scripted sequence of user turns sent one by one as one conversation, each answer heard before
    the next turn; converters transform every turn. `{canary}` anywhere is replaced by the
    probe's deterministic canary so that success can be checked mechanically.

    `application` says how the probe runs against an application (a target that brings its own
    system prompt, DESIGN §6): an `ApplicationForm`, or `skip`. Without it, a probe with no
    `system` runs as it is, one whose `system` is context (no canary planted there) runs with that
    context given in the conversation instead, and one that plants a canary in `system` does not
    run against applications (see `application_form`).
    """

    id: str = Field(pattern=_ID, max_length=80)
    title: str = Field(min_length=1, max_length=200)
    risk_area: str = Field(pattern=_ID)
    owasp: str
    atlas: str
    avid: tuple[str, ...] = ()
    hazard: str = "HZ0"
    kind: Literal["attack", "control"] = "attack"
    #: ISO 639-1 code of the language the probe is written in (redhive.engine.suites.languages)
    language: str = "en"
    tags: tuple[str, ...] = ()
    system: str | None = None
    messages: tuple[ProbeMessage, ...] = ()
    prompt: str | None = None
    variants: tuple[Variant, ...] = ()
    turns: tuple[ScriptTurn, ...] = ()
    detector: DetectorSpec
    application: ApplicationForm | Literal["skip"] | None = None

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

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"'{value}' is not a supported language code; use one of {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _language_in_id(self) -> Probe:
        # Attempts are stored without the language; the id carries it (languages.language_of).
        if language_of(self.id) != self.language:
            if self.language == "en":
                raise ValueError(f"the id ends in '.{language_of(self.id)}', which marks a probe in "
                                 f"{LANGUAGES[language_of(self.id)]}; set 'language' or rename the probe")
            raise ValueError(f"a probe in {LANGUAGES[self.language]} needs an id ending in '.{self.language}' "
                             f"(e.g. '{self.id.rsplit('.', 1)[0]}.{self.language}'), so runs can group by language")
        return self

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
    def application_form(self) -> Probe | None:
        """This probe as it runs against an application, or None where it cannot: a canary planted
        in a system prompt the application never sees would make every answer look safe, and an
        instruction given only there is not one the application ignored."""
        form = self.application
        if form == "skip" or (form is None and self.system is not None and "{canary}" in self.system):
            return None
        if form is None:
            return self if self.system is None else self._with(_fold_context(self, self.system))
        update: dict[str, Any] = {"system": None, "application": None}
        if form.prompt is not None:
            update.update(prompt=form.prompt, variants=(), turns=())
        if form.messages is not None:
            update["messages"] = form.messages
        if form.detector is not None:
            update["detector"] = form.detector
        return self._with(update)

    def _with(self, update: dict[str, Any]) -> Probe:
        """A validated copy with `update` applied (model_copy would carry this probe's cached
        properties over, stale)."""
        return type(self).model_validate({**{f: getattr(self, f) for f in type(self).model_fields}, **update})

    @functools.cached_property
    def prompts(self) -> tuple[str, ...]:
        """The final user turn(s): one, one per counterfactual variant, or every scripted turn."""
        if self.variants:
            return tuple(self.fill(v.prompt) for v in self.variants)
        if self.turns:
            return tuple(self.fill(t.content) for t in self.turns)
        assert self.prompt is not None
        return (self.fill(self.prompt),)


def _fold_context(probe: Probe, context: str) -> dict[str, Any]:
    """The system prompt's context moved into the conversation's first user turn."""
    def lead(text: str) -> str:
        return f"{context.strip()}\n\n{text}"

    update: dict[str, Any] = {"system": None, "application": None}
    first_user = next((i for i, m in enumerate(probe.messages) if m.role == "user"), None)
    if first_user is not None:
        messages = list(probe.messages)
        messages[first_user] = ProbeMessage(role="user", content=lead(messages[first_user].content))
        update["messages"] = tuple(messages)
    elif probe.turns:
        update["turns"] = (probe.turns[0].model_copy(update={"content": lead(probe.turns[0].content)}),
                           *probe.turns[1:])
    elif probe.variants:
        update["variants"] = tuple(v.model_copy(update={"prompt": lead(v.prompt)}) for v in probe.variants)
    else:
        update["prompt"] = lead(probe.prompt or "")
    return update


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
