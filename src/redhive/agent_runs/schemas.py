"""The configuration recorded with every agent run: enough to rebuild its plan on --resume."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from redhive.runs.schemas import TargetConfig


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
