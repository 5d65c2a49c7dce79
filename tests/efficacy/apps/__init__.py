"""The independent efficacy fixtures: three deployed-style LLM applications, each with planted flaws
and a hardened twin, written without reference to how redhive detects anything (see
tests/efficacy/README.md). `APPS` maps each application's model name to its class and policy file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.efficacy.apps.base import Application
from tests.efficacy.apps.clinic import Clinic
from tests.efficacy.apps.devdocs import DevDocs
from tests.efficacy.apps.telecom import Telecom

__all__ = ["APPS", "AppSpec"]

POLICIES = Path(__file__).resolve().parents[1] / "policies"


@dataclass(frozen=True)
class AppSpec:
    name: str
    cls: type[Application]

    @property
    def policy(self) -> Path:
        return POLICIES / f"{self.name}.yaml"

    @property
    def flaws(self) -> dict[str, str]:
        """Planted-flaw label -> risk area (in the fixtures' own words)."""
        return dict(self.cls.flaws)

    def build(self, *, hardened: bool = False) -> Application:
        return self.cls(hardened=hardened)


APPS: dict[str, AppSpec] = {spec.name: spec for spec in (
    AppSpec(Telecom.name, Telecom), AppSpec(Clinic.name, Clinic), AppSpec(DevDocs.name, DevDocs))}
