"""Suites: probes as data (YAML/JSONL), validated by a pydantic schema."""

from redhive.engine.suites.loader import DEFAULT_SUITES, builtin_names, load_suite, load_suites, source_names
from redhive.engine.suites.schema import DetectorSpec, Probe, ProbeMessage, Suite, Variant

__all__ = ["DEFAULT_SUITES", "DetectorSpec", "Probe", "ProbeMessage", "Suite", "Variant", "builtin_names", "load_suite",
           "load_suites", "source_names"]
