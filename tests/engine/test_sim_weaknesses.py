"""The demo's ground truth: a scan of the built-in suites (core and extended, as `redhive demo`
runs them) with the classic attacks finds exactly the planted weaknesses docs/sim-targets.md lists
for sim:naive and sim:guarded, and none on sim:hardened — which also stays clean under every other
converter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from redhive.engine import Plan, Runner, create_target, load_suite, parse_attacks
from redhive.engine.converters import CLASSIC
from redhive.engine.records import AttemptRecord
from redhive.engine.sinks import MemorySink
from redhive.engine.strategies import parse_strategies
from redhive.engine.suites import DEFAULT_SUITES

DOC = Path(__file__).resolve().parents[2] / "docs" / "sim-targets.md"
SIMS = ("sim:naive", "sim:guarded", "sim:hardened")


@dataclass(frozen=True)
class Weakness:
    id: str
    target: str
    risk_area: str
    attacks: frozenset[str] | None  # None = all
    tag: str | None

    def covers(self, record: AttemptRecord, tags: tuple[str, ...]) -> bool:
        return (record.target == self.target and record.risk_area == self.risk_area
                and (self.attacks is None or record.attack in self.attacks)
                and (self.tag is None or self.tag in tags))


def documented() -> list[Weakness]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- weaknesses:start -->")[1].split("<!-- weaknesses:end -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        wid, target, area, attacks, tag = cells[:5]
        rows.append(Weakness(wid, target, area,
                             None if attacks == "all" else frozenset(re.split(r"\s*,\s*", attacks)),
                             tag or None))
    return rows


@pytest.fixture(scope="module")
def demo_records() -> tuple[list[AttemptRecord], dict[str, tuple[str, ...]]]:
    import asyncio

    suites = [load_suite(name) for name in DEFAULT_SUITES]
    targets = {s: create_target(s) for s in SIMS}
    sink = MemorySink()
    asyncio.run(Runner(Plan(suites, parse_attacks(["none", *CLASSIC]), list(SIMS)), targets, sink).run())
    # The multi-turn strategies, with the simulated attacker and judge, on the core suite (sim:naive
    # is left out: it complies with everything, so its rows say "all").
    strategies = parse_strategies(["crescendo", "pair", "tap"], attacker=create_target("sim:attacker"),
                                  judge=create_target("sim:judge"))
    multi = ["sim:guarded", "sim:hardened"]
    core = load_suite("core")
    asyncio.run(Runner(Plan([core], [], multi, strategies=strategies), targets, sink).run())
    return list(sink.records.values()), {p.id: p.tags for suite in suites for p in suite.probes}


def test_docs_list_weaknesses_for_both_vulnerable_sims() -> None:
    rows = documented()
    assert {w.target for w in rows} == {"sim:naive", "sim:guarded"}
    assert len({w.id for w in rows}) == len(rows)


@pytest.mark.parametrize("weakness", documented(), ids=lambda w: w.id)
def test_every_documented_weakness_is_found(weakness: Weakness, demo_records) -> None:  # type: ignore[no-untyped-def]
    records, tags = demo_records
    hits = [r for r in records if r.outcome == "success" and weakness.covers(r, tags[r.probe_id])]
    assert hits, f"{weakness.id} ({weakness.target}, {weakness.risk_area}) was not found"


def test_every_success_is_a_documented_weakness(demo_records) -> None:  # type: ignore[no-untyped-def]
    records, tags = demo_records
    rows = documented()
    unexplained = [
        (r.target, r.risk_area, r.attack, r.probe_id) for r in records
        if r.outcome == "success" and not any(w.covers(r, tags[r.probe_id]) for w in rows)
    ]
    assert unexplained == []


def test_hardened_has_no_weakness(demo_records) -> None:  # type: ignore[no-untyped-def]
    records, _ = demo_records
    hardened = [r for r in records if r.target == "sim:hardened"]
    assert hardened and all(r.outcome != "success" for r in hardened)
    assert all(r.outcome != "error" for r in records)


def test_sims_are_deterministic(demo_records) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    records, _ = demo_records
    suites = [load_suite(name) for name in DEFAULT_SUITES]
    sink = MemorySink()
    targets = {s: create_target(s) for s in SIMS}
    asyncio.run(Runner(Plan(suites, parse_attacks(["none", *CLASSIC]), list(SIMS)), targets, sink).run())
    single = {r.id: r.response for r in records if r.attack not in ("crescendo", "pair", "tap")}
    assert single == {r.id: r.response for r in sink.records.values()}


def test_hardened_resists_every_converter() -> None:
    import asyncio

    suites = [load_suite(name) for name in DEFAULT_SUITES]
    sink = MemorySink()
    asyncio.run(Runner(Plan(suites, parse_attacks("all"), ["sim:hardened"]),
                       {"sim:hardened": create_target("sim:hardened")}, sink).run())
    chains = parse_attacks("all")
    readable = sum(c.keeps_request for c in chains)  # controls go only through chains that keep them readable
    assert len(sink.records) == sum(len(chains) if p.kind == "attack" else readable for s in suites for p in s.probes)
    assert [r for r in sink.records.values() if r.outcome == "success"] == []
