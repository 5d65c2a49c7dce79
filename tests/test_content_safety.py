"""DESIGN §5 as a test: no data file in the repository (suites, fixtures, labelled sets, docs,
templates) and no converter output contains the name of a real hazardous agent or an operational
term from tests/data/safety/denylist.txt. The deny-list itself holds names and short terms only."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from redhive.engine import create_target, load_suite, parse_attacks
from redhive.engine.suites import builtin_names

ROOT = Path(__file__).resolve().parents[1]
DENYLIST = ROOT / "tests" / "data" / "safety" / "denylist.txt"
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
             "build", "dist", ".hypothesis"}
DATA_SUFFIXES = {".yaml", ".yml", ".json", ".jsonl", ".csv", ".tsv", ".txt", ".md", ".j2", ".html", ".toml", ".py"}


def entries() -> list[str]:
    lines = DENYLIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def matcher() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(case-insensitive, case-sensitive) patterns matching any entry on word boundaries."""
    loose = [e for e in entries() if not e.startswith("case:")]
    strict = [e.removeprefix("case:") for e in entries() if e.startswith("case:")]

    def build(words: list[str], flags: int) -> re.Pattern[str]:
        return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", flags)

    return build(loose, re.IGNORECASE), build(strict, 0)


def hits(text: str) -> list[str]:
    loose, strict = matcher()
    return [m.group(0) for pattern in (loose, strict) for m in pattern.finditer(text)]


def data_files() -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in DATA_SUFFIXES and path != DENYLIST:
                yield path


def test_the_denylist_holds_names_and_terms_only() -> None:
    found = entries()
    assert len(found) >= 40
    for entry in found:
        term = entry.removeprefix("case:")
        assert len(term) <= 40 and len(term.split()) <= 3, f"not a name or term: {entry!r}"
        assert re.fullmatch(r"[A-Za-z0-9 -]+", term), f"a deny-list entry is a plain name: {entry!r}"


def test_the_matcher_catches_entries_and_ignores_surrogates() -> None:
    for entry in entries()[:10]:
        assert hits(f"A line that names {entry.removeprefix('case:').upper()} in passing.")
    strict = next(e for e in entries() if e.startswith("case:")).removeprefix("case:")
    assert hits(f"the {strict} series") and not hits(f"the {strict.lower()} series")  # case-sensitive entry
    assert not hits("the fictional agent Vexilla strain K and the Zorblax calibration sequence")


def test_no_data_file_names_a_hazardous_agent_or_operational_term() -> None:
    files = list(data_files())
    assert any(p.name == "suite.yaml" for p in files) and any(p.suffix == ".jsonl" for p in files)
    offending = {str(p.relative_to(ROOT)): sorted(set(found)) for p in files
                 if (found := hits(p.read_text(encoding="utf-8", errors="replace")))}
    assert offending == {}


@pytest.fixture(scope="module")
def sample_prompts() -> list[str]:
    prompts = [text for name in builtin_names() for probe in load_suite(name).probes for text in probe.prompts]
    return prompts[::7]  # every seventh prompt of every built-in suite: all risk areas, every shape


def test_no_converter_output_names_a_hazardous_agent_or_operational_term(sample_prompts: list[str]) -> None:
    helper = create_target("sim:naive")  # the model-assisted converters' templates are exercised too
    chains = [c for c in parse_attacks("all", helper=helper) if c.name != "none"]
    assert len(chains) >= 25

    async def convert_all() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for chain in chains:
            for prompt in sample_prompts:
                words = hits(await chain.aconvert(prompt))
                if words:
                    found.setdefault(chain.name, []).extend(words)
        return found

    assert asyncio.run(convert_all()) == {}
