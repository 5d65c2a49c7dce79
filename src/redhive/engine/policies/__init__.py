"""Policies of the system under test, and the probes generated against exactly those policies.

`--policy FILE` on `redhive scan` is the suite reference `policy:FILE`: the suite is regenerated
from the file on resume, and a changed file is refused like a changed suite.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from redhive.engine.policies.generate import compose_system_prompt, policy_suite, topic_marker
from redhive.engine.policies.schema import Policy, RestrictedTopic, Secret
from redhive.engine.suites.schema import Suite
from redhive.errors import SuiteFileError

__all__ = [
    "Policy",
    "RestrictedTopic",
    "Secret",
    "compose_system_prompt",
    "load_policy",
    "load_policy_suite",
    "policy_suite",
    "topic_marker",
]


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; every problem names the file and the line."""
    from redhive.engine.suites.loader import line_of, read_yaml, validation_error

    file = Path(path)
    if not file.is_file():
        raise SuiteFileError(str(file), None, "no such policy file; pass the path of a .yaml policy.")
    data, root = read_yaml(file)
    if not isinstance(data, dict):
        raise SuiteFileError(str(file), 1, "expected a mapping with name, purpose and the rules to test.")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, file, lambda loc: line_of(root, loc),
                               schema="the policy file schema in docs/policies.md") from None


def load_policy_suite(path: str | Path) -> Suite:
    return policy_suite(load_policy(path))
