"""The configuration recorded with every run, probe or agent: enough to rebuild its plan on --resume."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator


class TargetConfig(BaseModel):
    """One endpoint of a run: the target under test or a role (judge, attacker, helper). Never holds
    a key: `api_key_env` names the environment variable to read it from (engine `api_key_for`)."""

    spec: str
    base_url: str | None = None
    api_key_env: str | None = None
    #: "model" or "application" as given (--target-mode); None: found out before the scan
    mode: Literal["model", "application"] | None = None
    concurrency: int = 16
    rpm: float | None = None
    timeout: float = 60.0
    max_retries: int = 4
    extra: dict[str, Any] = Field(default_factory=dict)


class StrategyConfig(BaseModel):
    """Multi-turn strategies of a run: their names, the attacker model, the limits given (their judge
    is the run's)."""

    names: list[str]
    attacker: TargetConfig
    limits: dict[str, int] = Field(default_factory=dict)


class RunConfig(BaseModel):
    """Versioned; never holds an API key (keys come from flags or the environment on resume)."""

    schema_version: int = 2
    targets: list[TargetConfig]
    suites: list[str]
    suite_fingerprints: dict[str, str]
    attacks: list[str]
    #: The model that model-assisted converters (paraphrase, translate) call, if any.
    helper_model: TargetConfig | None = None
    #: Multi-turn strategies (Crescendo, PAIR, TAP); when set, `attacks` holds their names.
    strategy: StrategyConfig | None = None
    #: The run's judge: it scores the strategies' progress and every judge detector of the run's
    #: suites and policies, whatever judge they name.
    judge: TargetConfig | None = None
    repeats: int = 1
    concurrency: int = 32
    params: dict[str, Any] = Field(default_factory=dict)
    #: target spec -> its profile as the scan found it (mode, how it knows, the handshake's
    #: exchanges): the plan gives application targets the probes' application forms
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @property
    def modes(self) -> dict[str, str]:
        return {spec: str(profile["mode"]) for spec, profile in self.profiles.items()}

    @property
    def has_applications(self) -> bool:
        return "application" in self.modes.values()

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """Version 1 kept the judge with the strategies; it is the run's since version 2."""
        if isinstance(data, dict) and data.get("schema_version", 1) == 1:
            data = {**data, "schema_version": 2}
            strategy = data.get("strategy")
            if isinstance(strategy, dict) and "judge" in strategy:
                strategy = dict(strategy)
                data.setdefault("judge", strategy.pop("judge"))
                data["strategy"] = strategy
        return data


class Rewrite(BaseModel):
    """An adaptive attack's text for one (environment, user task, injection task, attack)."""

    env: str
    user_task: str
    injection_task: str
    attack: str
    text: str


class AgentRunConfig(BaseModel):
    """Versioned; never holds an API key (keys come from flags or the environment on resume)."""

    schema_version: int = 1
    kind: str = "agent"
    targets: list[TargetConfig]
    #: Built-in environment names or environment file paths, as given.
    envs: list[str]
    #: name -> fingerprint of the loaded environment (data, tasks, tools): resume refuses a changed one.
    env_fingerprints: dict[str, str]
    attacks: list[str]
    #: flag, halt or both (paired episodes on the same seeds)
    monitor_modes: list[str]
    benign: bool = True
    user_tasks: list[str] | None = None
    injection_tasks: list[str] | None = None
    repeats: int = 1
    concurrency: int = 16
    max_steps: int = 15
    episode_timeout: float = 120.0
    seed: int = 0
    #: The simulated user of sequence tests (a target spec), if any.
    user_model: TargetConfig | None = None
    #: The attacker model of adaptive attacks (a target spec), if any.
    attacker_model: TargetConfig | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    #: The attacker model's injection texts, written once when the run starts (D54): every monitor
    #: mode, resume and Ray worker plants the same ones. None: no adaptive attack, or a run recorded
    #: before they were kept (its rewrites are written and kept when it resumes).
    rewrites: list[Rewrite] | None = None

