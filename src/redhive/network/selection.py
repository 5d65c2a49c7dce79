"""Cohort selection: choose k experts for a mission to maximise weighted coverage of its cells.

A mission names the values it needs on four dimensions: risk areas, languages, regions and
disciplines, each value with a weight (default 1). A **cell** is one combination
`(risk_area, language, region, discipline)` of the mission's values; a dimension the mission
leaves empty is not part of the grid (its slot holds `"*"`, which everyone covers). An expert
**covers** a cell when the cell's risk area, language, region and discipline are all in the
expert's profile. The weight of a cell is the product of its values' weights, so a mission that
doubles the weight of Swahili doubles every Swahili cell.

The objective of a cohort S is

    f(S) = sum of weight(c) over the cells c covered by at least one member of S
           + quality_weight * mean_cell_weight * sum of quality(e) over e in S

where quality(e) in [0, 1] is the reviewers' rubric score (or later, measured quality). The first
term is a weighted coverage function and the second is modular, so f is monotone submodular and the
greedy choice is within (1 - 1/e) of the best cohort; the lazy variant (Minoux) re-evaluates a
candidate only when its stale gain could still be the largest, which gives the same picks. With
the default `quality_weight = 1`, a perfect reviewer score is worth one average cell: quality
breaks near-ties between profiles, it does not buy a place over someone who brings new cells.

Hard constraints, checked before any scoring (every failed one is reported): a declared conflict
of interest with an organisation of the mission, a vetting level below the one the mission's
access tier requires (DESIGN §8), too few hours a week, an availability window that does not
cover the mission's time box, and membership of the cohort already.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from redhive.taxonomy.expertise import TIER_REQUIRES_VETTING, vetting_allows

ANY = "*"
DIMENSIONS = ("risk_area", "language", "region", "discipline")
Cell = tuple[str, str, str, str]


@dataclass(frozen=True)
class Candidate:
    """What selection needs to know of one accepted expert."""

    id: str
    name: str
    risk_areas: frozenset[str]
    languages: frozenset[str]
    regions: frozenset[str]
    disciplines: frozenset[str]
    vetting_level: str = "self_declared"
    quality: float = 0.5
    hours_per_week: float = 0.0
    available_from: date | None = None
    available_until: date | None = None
    conflicts: frozenset[str] = frozenset()  # organisation names, compared case-insensitively


@dataclass(frozen=True)
class MissionNeeds:
    """The cells a mission wants covered and the constraints on who may cover them."""

    risk_areas: Mapping[str, float]
    languages: Mapping[str, float] = field(default_factory=dict)
    regions: Mapping[str, float] = field(default_factory=dict)
    disciplines: Mapping[str, float] = field(default_factory=dict)
    access_tier: str = "T0_public"
    starts_on: date | None = None
    ends_on: date | None = None
    min_hours_per_week: float = 0.0
    organisations: frozenset[str] = frozenset()  # every organisation taking part or under test
    already_in: frozenset[str] = frozenset()  # candidate ids already on the mission
    quality_weight: float = 1.0

    def axes(self) -> tuple[Mapping[str, float], ...]:
        return tuple(axis or {ANY: 1.0} for axis in (self.risk_areas, self.languages, self.regions, self.disciplines))

    def cells(self) -> dict[Cell, float]:
        """Every cell of the mission with its weight."""
        out: dict[Cell, float] = {}
        for combo in itertools.product(*(axis.items() for axis in self.axes())):
            weight = 1.0
            for _, w in combo:
                weight *= w
            out[(combo[0][0], combo[1][0], combo[2][0], combo[3][0])] = weight
        return out


@dataclass(frozen=True)
class Pick:
    """Why one expert was chosen, in the order they were chosen."""

    rank: int
    candidate: Candidate
    marginal_gain: float
    new_cells: tuple[Cell, ...]
    new_cell_weight: float
    quality_gain: float

    @property
    def reason(self) -> str:
        if not self.new_cells:
            return f"covers no new cell; chosen for reviewer quality {self.candidate.quality:.2f}"
        sample = ", ".join(format_cell(c) for c in self.new_cells[:3])
        more = f" and {len(self.new_cells) - 3} more" if len(self.new_cells) > 3 else ""
        return f"covers {len(self.new_cells)} new cells (weight {self.new_cell_weight:g}): {sample}{more}"


@dataclass(frozen=True)
class Exclusion:
    candidate: Candidate
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Uncovered:
    cell: Cell
    weight: float
    coverable: bool  # some eligible expert covers it: a larger k would reach it

    @property
    def reason(self) -> str:
        return "no seat left for an expert who covers it" if self.coverable else "no eligible expert covers it"


@dataclass(frozen=True)
class Selection:
    picks: tuple[Pick, ...]
    excluded: tuple[Exclusion, ...]
    uncovered: tuple[Uncovered, ...]
    total_cells: int
    total_weight: float
    covered_weight: float
    objective: float

    @property
    def chosen(self) -> tuple[Candidate, ...]:
        return tuple(p.candidate for p in self.picks)

    @property
    def covered_cells(self) -> int:
        return self.total_cells - len(self.uncovered)


def format_cell(cell: Cell) -> str:
    return " × ".join(v for v in cell if v != ANY) or "any"


def cells_of(candidate: Candidate, needs: MissionNeeds) -> frozenset[Cell]:
    """The mission cells this candidate covers on their own."""
    own = (candidate.risk_areas, candidate.languages, candidate.regions, candidate.disciplines)
    per_axis = [[v for v in axis if v == ANY or v in mine] for axis, mine in zip(needs.axes(), own, strict=True)]
    return frozenset(itertools.product(*per_axis))  # type: ignore[arg-type]


def eligibility(candidate: Candidate, needs: MissionNeeds) -> tuple[str, ...]:
    """Every hard constraint this candidate fails, as sentences; empty when eligible."""
    reasons: list[str] = []
    if candidate.id in needs.already_in:
        reasons.append("already on this mission")
    orgs = {o.casefold() for o in needs.organisations}
    conflicts = sorted(c for c in candidate.conflicts if c.casefold() in orgs)
    if conflicts:
        reasons.append(f"declared a conflict of interest with {', '.join(conflicts)}")
    if not vetting_allows(candidate.vetting_level, needs.access_tier):
        required = TIER_REQUIRES_VETTING[needs.access_tier]
        reasons.append(f"vetting {candidate.vetting_level} is below {required}, which {needs.access_tier} requires")
    if candidate.hours_per_week < needs.min_hours_per_week:
        reasons.append(f"available {candidate.hours_per_week:g} h/week, the mission needs {needs.min_hours_per_week:g}")
    if needs.starts_on and candidate.available_until and candidate.available_until < needs.starts_on:
        reasons.append(f"available only until {candidate.available_until.isoformat()}")
    if needs.ends_on and candidate.available_from and candidate.available_from > needs.ends_on:
        reasons.append(f"available only from {candidate.available_from.isoformat()}, after the mission ends")
    return tuple(reasons)


def select_cohort(candidates: Iterable[Candidate], needs: MissionNeeds, k: int) -> Selection:
    """Lazy greedy maximisation of f (module docstring) over the eligible candidates."""
    if k < 1:
        raise ValueError("a cohort needs at least one seat")
    weights = needs.cells()
    quality_unit = needs.quality_weight * (sum(weights.values()) / len(weights))
    eligible: list[Candidate] = []
    excluded: list[Exclusion] = []
    candidates = sorted(candidates, key=lambda c: c.id)
    # the people already on the mission cover their cells before anyone is picked (the cohort page
    # and the coverage page then agree on what is covered)
    covered: set[Cell] = set().union(*(cells_of(c, needs) for c in candidates if c.id in needs.already_in))
    for cand in candidates:
        reasons = eligibility(cand, needs)
        if reasons:
            excluded.append(Exclusion(cand, reasons))
        else:
            eligible.append(cand)
    own = {c.id: cells_of(c, needs) for c in eligible}
    by_id = {c.id: c for c in eligible}

    def gain(cand: Candidate, covered: set[Cell]) -> tuple[float, list[Cell]]:
        new = sorted(own[cand.id] - covered)
        return sum(weights[c] for c in new) + quality_unit * cand.quality, new

    # heap of (-upper bound of the gain, id); a gain only shrinks as the cohort grows (submodularity)
    heap = [(-gain(c, set())[0], c.id) for c in eligible]
    heapq.heapify(heap)
    picks: list[Pick] = []
    while heap and len(picks) < k:
        _, cid = heapq.heappop(heap)
        cand = by_id[cid]
        value, new = gain(cand, covered)
        if heap and value < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-value, cid))  # stale: someone else may now gain more
            continue
        covered.update(new)
        picks.append(
            Pick(len(picks) + 1, cand, value, tuple(new), sum(weights[c] for c in new), quality_unit * cand.quality)
        )
    coverable = set().union(*own.values()) if own else set()
    uncovered = tuple(
        Uncovered(c, w, c in coverable)
        for c, w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        if c not in covered
    )
    covered_weight = sum(weights[c] for c in covered)
    return Selection(
        picks=tuple(picks),
        excluded=tuple(excluded),
        uncovered=uncovered,
        total_cells=len(weights),
        total_weight=sum(weights.values()),
        covered_weight=covered_weight,
        objective=objective(needs, [p.candidate for p in picks]),
    )


def objective(needs: MissionNeeds, cohort: Sequence[Candidate]) -> float:
    """f(S) of the module docstring, for any cohort (used to compare against baselines)."""
    weights = needs.cells()
    quality_unit = needs.quality_weight * (sum(weights.values()) / len(weights))
    covered = set().union(*(cells_of(c, needs) for c in cohort)) if cohort else set()
    return sum(weights[c] for c in covered) + quality_unit * sum(c.quality for c in cohort)


def covered_cell_count(needs: MissionNeeds, cohort: Sequence[Candidate]) -> int:
    return len(set().union(*(cells_of(c, needs) for c in cohort))) if cohort else 0


def top_k_by_score(candidates: Iterable[Candidate], needs: MissionNeeds, k: int) -> list[Candidate]:
    """The baseline a bug-bounty leaderboard would pick: each eligible expert's own score
    (the objective of that expert alone), highest first, ignoring overlap."""
    eligible = [c for c in candidates if not eligibility(c, needs)]
    return sorted(eligible, key=lambda c: (-objective(needs, [c]), c.id))[:k]
