"""The run configuration recorded with every run: enough to rebuild the plan on --resume."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TargetConfig(BaseModel):
    spec: str
    base_url: str | None = None
    concurrency: int = 16
    rpm: float | None = None
    timeout: float = 60.0
    max_retries: int = 4
    extra: dict[str, Any] = Field(default_factory=dict)


class StrategyConfig(BaseModel):
    """Multi-turn strategies of a run: their names, the attacker and judge models, the limits given."""

    names: list[str]
    attacker: TargetConfig
    judge: TargetConfig | None = None
    limits: dict[str, int] = Field(default_factory=dict)


class RunConfig(BaseModel):
    """Versioned; never holds an API key (keys come from flags or the environment on resume)."""

    schema_version: int = 1
    targets: list[TargetConfig]
    suites: list[str]
    suite_fingerprints: dict[str, str]
    attacks: list[str]
    #: The model that model-assisted converters (paraphrase, translate) call, if any.
    helper_model: TargetConfig | None = None
    #: Multi-turn strategies (Crescendo, PAIR, TAP); when set, `attacks` holds their names.
    strategy: StrategyConfig | None = None
    repeats: int = 1
    concurrency: int = 32
    params: dict[str, Any] = Field(default_factory=dict)
