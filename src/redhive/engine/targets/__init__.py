"""Targets addressed as `kind:name`: openai, anthropic, hf, sim."""

from redhive.engine.targets.base import Target, TargetOptions, create_target, parse_spec

__all__ = ["Target", "TargetOptions", "create_target", "parse_spec"]
