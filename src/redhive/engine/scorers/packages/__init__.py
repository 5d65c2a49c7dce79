"""Snapshots of real package names for the hallucination detector: `pypi.txt` (the 15,000 most
downloaded PyPI projects) and `npm.txt` (the 15,000 most downloaded npm packages), one normalised
name a line, read once on first use. The registries' own name lists are not reachable at run time,
so the snapshots ship with redhive; `python -m redhive.engine.scorers.packages.refresh` rebuilds
them from download rankings (docs/scorers.md says how). Popular names only: a name that attackers
registered after a model invented it is not made "real" by being on a registry."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["SNAPSHOTS", "real_packages"]

SNAPSHOTS = {"pypi": Path(__file__).with_name("pypi.txt"), "npm": Path(__file__).with_name("npm.txt")}


@cache
def real_packages() -> frozenset[str]:
    """Every name in the snapshots: PyPI's normalised (lower case, runs of `_ . -` as one `-`, PEP 503),
    npm's as published in lower case (scopes included)."""
    names: set[str] = set()
    for path in SNAPSHOTS.values():
        names.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))
    return frozenset(names)
