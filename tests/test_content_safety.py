"""DESIGN §5 as a test: no file in the repository that holds text (suites, fixtures, labelled sets —
the hazard screen's surrogate data included —, docs, templates, scripts, code, whatever its
extension) and no converter output contains the name of a real hazardous agent or an operational
term from tests/data/safety/denylist.txt. The deny-list itself holds names and short terms only."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from redhive.engine import create_target, load_suite, parse_attacks
from redhive.engine.suites import source_names
from redhive.safeguards.efficacy import SUITE as SAFEGUARD_SUITE

ROOT = Path(__file__).resolve().parents[1]
DENYLIST = ROOT / "tests" / "data" / "safety" / "denylist.txt"
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
             "build", "dist", ".hypothesis", "_artifacts"}
#: Files larger than this are not data a person wrote; none exists today (the test says so if one appears).
MAX_BYTES = 20 * 1024 * 1024


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


def is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\0" not in handle.read(8192)


def data_files(root: Path = ROOT) -> Iterator[Path]:
    """Every file under `root` that holds text, whatever its name (binary files, like screenshots,
    have NUL bytes), except the deny-list itself."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path != DENYLIST and path.is_file() and is_text(path):
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


def test_the_scan_reads_every_text_file_whatever_its_extension(tmp_path: Path) -> None:
    term = next(e for e in entries() if not e.startswith("case:"))  # read here: never written in this file
    (tmp_path / "notes.weird").write_text(f"the stock of {term} was moved")
    (tmp_path / "Makefile").write_text("all:\n\techo fine\n")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0 " + term.encode())
    found = {p.name: hits(p.read_text(encoding="utf-8", errors="replace")) for p in data_files(tmp_path)}
    assert found == {"notes.weird": [term], "Makefile": []}


def test_no_data_file_names_a_hazardous_agent_or_operational_term() -> None:
    files = list(data_files())
    names = {p.relative_to(ROOT).as_posix() for p in files}
    assert any(p.name == "suite.yaml" for p in files) and any(p.suffix == ".jsonl" for p in files)
    assert {"src/redhive/safeguards/data/hazard_train.jsonl", "src/redhive/safeguards/data/hazard_heldout.jsonl",
            "src/redhive/safeguards/data/hazard_fresh.jsonl", "src/redhive/safeguards/data/suite/hazard.yaml",
            "src/redhive/web/static/playground.js", "pyproject.toml"} <= names
    assert [p for p in files if p.stat().st_size > MAX_BYTES] == []
    offending = {str(p.relative_to(ROOT)): sorted(set(found)) for p in files
                 if (found := hits(p.read_text(encoding="utf-8", errors="replace")))}
    assert offending == {}


@pytest.fixture(scope="module")
def sample_prompts() -> list[str]:
    suites = [load_suite(name) for name in source_names()] + [load_suite(str(SAFEGUARD_SUITE))]
    prompts = [text for suite in suites for probe in suite.probes for text in probe.prompts]
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
