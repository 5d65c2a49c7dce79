"""Every generated `breadth` family, by name: the first slice (breadth.py) and the families on
injection (injection.py), the OWASP items chat probes had left empty (supply.py) and the seeds' risk
list (seeds.py). `FAMILIES` maps a family to its generator and the external family it answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from redhive.engine.suites.generators import breadth, injection, seeds, supply
from redhive.engine.suites.generators.breadth import Probe

__all__ = ["FAMILIES", "probes"]

FAMILIES: dict[str, tuple[Callable[[], Iterable[Probe]], str]] = {
    **breadth.FAMILIES, **injection.FAMILIES, **supply.FAMILIES, **seeds.FAMILIES,
}


def probes(family: str) -> list[Probe]:
    made = []
    for probe in FAMILIES[family][0]():
        extra = probe.pop("tags_extra", None)
        if extra:
            probe["tags"] = [*probe["tags"], *extra]
        made.append(probe)
    return made
