"""The statements the run store's readers issue, built without executing them: runs.service, the
HTML report and the Ray progress poll run them; bench/store_plans.py explains each one on a large
store, so what is measured is what the code sends (see decision D51)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from sqlalchemy import Select, case, func, literal_column, select

from redhive.engine.suites.languages import language_of
from redhive.runs.models import AgentEpisode, Attempt, Run
from redhive.runs.turns import Turn

__all__ = [
    "DERIVED",
    "Query",
    "attempts",
    "attempts_with_turns",
    "count",
    "disparity_rows",
    "episode_outcomes",
    "episodes",
    "examples",
    "grouped",
    "outcome_counts",
    "run_page",
    "tokens",
    "turns",
]

#: A select of any row shape.
Query: TypeAlias = "Select[*tuple[Any, ...]]"

# Group-by keys that are not columns: the column they are read from and how. The language is not
# stored with an attempt; its probe id carries it (redhive.engine.suites.languages).
DERIVED: dict[str, tuple[Any, Callable[[str], str]]] = {"language": (Attempt.probe_id, language_of)}


def run_page(limit: int, kind: str | None = None) -> Query:
    """The newest `limit` runs (of `kind`, or of both), each with what it stored and its successes:
    attempts and successful ones, or an agent run's episodes and successful injections. The counts
    are correlated subqueries, evaluated for the page's runs only (index ranges of
    ix_attempts_run_outcome and of the episodes' key), so the page costs the same whatever the size
    of the store."""
    def counted(*where: Any) -> Any:
        return select(func.count()).where(*where).scalar_subquery()

    stored = counted(Attempt.run_id == Run.id) + counted(AgentEpisode.run_id == Run.id)
    successes = (counted(Attempt.run_id == Run.id, Attempt.outcome == "success")
                 + counted(AgentEpisode.run_id == Run.id, AgentEpisode.injection_success.is_(True)))
    query = select(Run, stored, successes).order_by(Run.created_at.desc()).limit(limit)
    return query if kind is None else query.where(Run.kind == kind)


def count(run_id: str, kind: str = "probe") -> Query:
    """What a run stored: its attempts, or (an agent run) its episodes."""
    table: Any = AgentEpisode if kind == "agent" else Attempt
    return select(func.count()).select_from(table).where(table.run_id == run_id)


def episodes(run_id: str) -> Query:
    """Every episode of an agent run, in the order they were stored."""
    return select(AgentEpisode).where(AgentEpisode.run_id == run_id).order_by(AgentEpisode.seq)


def outcome_counts(run_id: str) -> Query:
    """Stored attempts by outcome (the Ray executor's progress poll)."""
    return select(Attempt.outcome, func.count()).where(Attempt.run_id == run_id).group_by(Attempt.outcome)


def episode_outcomes(run_id: str) -> Query:
    """Stored episodes by status (the Ray executor's progress poll of an agent run), in the terms
    of a probe run's outcomes where they mean the same: `error` for an unscored episode (an error
    or a timeout), `success` for a successful injection."""
    # constants inline: PostgreSQL matches a grouped expression to the selected one by its text, and
    # bound parameters would differ between the two
    unscored = AgentEpisode.status.in_([literal_column("'error'"), literal_column("'timeout'")])
    outcome = case((unscored, literal_column("'error'")),
                   (AgentEpisode.injection_success.is_(True), literal_column("'success'")), else_=AgentEpisode.status)
    return select(outcome, func.count()).where(AgentEpisode.run_id == run_id).group_by(outcome)


def grouped(run_id: str, keys: Sequence[str], kind: str | None) -> Query:
    """Attempts counted by `keys` and outcome (the summary's tables); rows are key values, outcome, count."""
    columns = [DERIVED[k][0] if k in DERIVED else getattr(Attempt, k) for k in keys]
    query = select(*columns, Attempt.outcome, func.count()).where(Attempt.run_id == run_id)
    if kind is not None:
        query = query.where(Attempt.kind == kind)
    return query.group_by(*columns, Attempt.outcome)


def tokens(run_id: str) -> Query:
    return (select(func.coalesce(func.sum(Attempt.input_tokens), 0), func.coalesce(func.sum(Attempt.output_tokens), 0))
            .where(Attempt.run_id == run_id))


def disparity_rows(run_id: str) -> Query:
    """Decisions of counterfactual probes: scored attempts whose evidence lists labelled decisions."""
    return (select(Attempt.target, Attempt.attack, Attempt.probe_id, Attempt.evidence)
            .where(Attempt.run_id == run_id, Attempt.outcome.in_(("success", "resisted", "refused")),
                   Attempt.evidence.like("%: %; %: %")))


def attempts(run_id: str, target: str | None = None) -> Query:
    """Every attempt of a run (of one target, if given) in plan order."""
    query = select(Attempt).where(Attempt.run_id == run_id)
    if target is not None:
        query = query.where(Attempt.target == target)
    return query.order_by(Attempt.seq)


def examples(run_id: str, outcome: str, limit: int) -> Query:
    """The first `limit` attempts of a run with this outcome, in plan order (a report's examples)."""
    return (select(Attempt).where(Attempt.run_id == run_id, Attempt.outcome == outcome)
            .order_by(Attempt.seq).limit(limit))


def turns(run_id: str, attempt_ids: Sequence[str]) -> Query:
    return (select(Turn).where(Turn.run_id == run_id, Turn.attempt_id.in_(list(attempt_ids)))
            .order_by(Turn.attempt_id, Turn.idx))


def attempts_with_turns(run_id: str) -> Query:
    """Every attempt in plan order outer-joined to its turns."""
    return (select(Attempt, Turn)
            .outerjoin(Turn, (Turn.run_id == Attempt.run_id) & (Turn.attempt_id == Attempt.id))
            .where(Attempt.run_id == run_id)
            .order_by(Attempt.seq, Turn.idx))
