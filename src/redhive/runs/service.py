"""Runs of both kinds (probe and agent): create, reopen, finish, list and look up; a probe run's
summary and attempts (an agent run's episodes and metrics: `runs.agents`). Services take a
session and never commit (the caller's scope does)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from redhive import __version__
from redhive.engine.disparity import Disparity, disparities, pairs_of
from redhive.engine.stats import OutcomeCounts
from redhive.errors import Conflict, NotFound
from redhive.kit import new_run_id, utcnow
from redhive.runs import queries
from redhive.runs.lease import LEASE, lapsed, this_process
from redhive.runs.models import Attempt, Run
from redhive.runs.turns import Turn

__all__ = [
    "RateRow",
    "RunSummary",
    "bias_disparities",
    "count_attempts",
    "finish_run",
    "get_attempt",
    "get_run",
    "iter_attempts",
    "iter_attempts_with_turns",
    "turns_of",
    "list_runs",
    "open_run",
    "over_refusal_rate",
    "summarise",
]

# The summary tables: name -> (group-by columns, the attempts' kind or None for every attempt).
# Attack-success tables count attack probes only; over-refusal controls have their own table.
GROUPINGS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "targets": (("target",), "attack"),
    "categories": (("target", "risk_area"), "attack"),
    "attacks": (("target", "attack"), "attack"),
    "languages": (("target", "language"), "attack"),
    "over_refusal": (("target",), "control"),
    "probes": (("target", "suite", "probe_id", "risk_area", "kind"), None),
}


class RateRow(BaseModel):
    key: dict[str, str]
    attempts: int
    scored: int
    successes: int
    refused: int
    resisted: int
    unscorable: int
    errors: int
    asr: float | None
    ci95: list[float]

    @classmethod
    def of(cls, key: dict[str, str], counts: OutcomeCounts) -> RateRow:
        return cls(key=key, **counts.as_dict())


class RunSummary(BaseModel):
    run: dict[str, Any]
    totals: dict[str, Any]
    targets: list[RateRow]
    categories: list[RateRow]
    attacks: list[RateRow]
    #: attack success per probe language (suites.languages): one row per target and language
    languages: list[RateRow] = []
    #: over-refusal controls per target: `successes` are refusals of harmless requests
    over_refusal: list[RateRow]
    probes: list[RateRow]
    #: significance tests of counterfactual disparities (redhive.engine.disparity), pooled rows first
    disparities: list[dict[str, Any]] = []

    def areas(self) -> dict[str, OutcomeCounts]:
        """Attack attempts per risk area, over every target."""
        out: dict[str, OutcomeCounts] = {}
        for row in self.categories:
            counts = out.setdefault(row.key["risk_area"], OutcomeCounts())
            counts.success += row.successes
            counts.refused += row.refused
            counts.resisted += row.resisted
            counts.unscorable += row.unscorable
            counts.error += row.errors
        return out

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape: rows flattened so each carries its key fields next to its counts."""
        out: dict[str, Any] = {"run": self.run, "totals": self.totals}
        for name in GROUPINGS:
            out[name] = [{**r.key, **r.model_dump(exclude={"key"})} for r in getattr(self, name)]
        out["disparities"] = self.disparities
        return out


#: The command that lists runs of each kind.
_LISTING = {"probe": "redhive runs list", "agent": "redhive agent-runs list"}


async def open_run(session: AsyncSession, kind: str, config: BaseModel, plan_size: int,
                   run_id: str | None = None, *, new_id: str | None = None) -> Run:
    """A new run of `kind` recording `config` (under `new_id` when given), or (with `run_id`) the
    recorded one, reopened to resume; either way leased to this process (`lease.hold` renews the
    lease). A run another live process holds is refused in one sentence."""
    me, until = this_process(), utcnow() + LEASE
    if run_id is None:
        run = Run(id=new_id or new_run_id(), kind=kind, created_at=utcnow(), finished_at=None, status="running",
                  config=config.model_dump(mode="json"), plan_size=plan_size, error=None,
                  redhive_version=__version__, holder=me, held_until=until)
        session.add(run)
        await session.flush()
        return run
    run = await get_run(session, run_id, kind)
    # Take the lease only from the holder read here: of two processes resuming at once, one wins.
    taken = lapsed(run) and cast(CursorResult[Any], await session.execute(
        update(Run).where(Run.id == run_id, Run.holder.is_(None) if run.holder is None else Run.holder == run.holder)
        .values(holder=me, held_until=until).execution_options(synchronize_session=False))).rowcount == 1
    if not taken:
        await session.refresh(run)
        raise Conflict(f"Run {run_id} is being executed by another process ({run.holder}): let it finish, or "
                       f"resume it once that process has stopped (its lease lapses {LEASE.seconds} s after).")
    await session.refresh(run)
    run.status, run.error, run.finished_at = "running", None, None
    return run


async def finish_run(session: AsyncSession, run_id: str, status: str, error: str | None = None) -> Run:
    run = await get_run(session, run_id)
    run.status, run.error, run.finished_at = status, error, utcnow()
    run.holder = run.held_until = None
    return run


async def count_attempts(session: AsyncSession, run_id: str) -> int:
    """What the run has stored: attempts, or an agent run's episodes."""
    run = await get_run(session, run_id)
    total = await session.scalar(queries.count(run_id, run.kind))
    return int(total or 0)


async def get_run(session: AsyncSession, run_id: str, kind: str | None = None) -> Run:
    """The run; with `kind`, only a run of that kind (the other kind's commands name themselves)."""
    run = await session.get(Run, run_id)
    if run is None or (kind is not None and run.kind != kind):
        listing = _LISTING[kind or "probe"]
        other = "" if run is None else f" (it is {'an agent' if run.kind == 'agent' else 'a probe'} run)"
        raise NotFound(f"No {'agent ' if kind == 'agent' else ''}run '{run_id}' in this database{other}: "
                       f"`{listing}` shows the runs there are.")
    return run


async def list_runs(session: AsyncSession, limit: int = 50,
                    kind: str | None = None) -> list[tuple[Run, int, int]]:
    """Newest first (of `kind`, or of both), each with what it stored (attempts or episodes) and its
    successes (successful attempts, or injections that succeeded)."""
    rows = await session.execute(queries.run_page(limit, kind))
    return [(r, int(n), int(s)) for r, n, s in rows.all()]


async def summarise(session: AsyncSession, run_id: str) -> RunSummary:
    """The run's tables and totals. The headline (`totals`' outcome counts, `asr`, `ci95`) counts
    attack probes only; `totals.over_refusal` is the controls' own rate (refusals of harmless
    requests); `attempts`, `errors`, `unscorable` and tokens count every attempt."""
    run = await get_run(session, run_id)
    tables: dict[str, list[RateRow]] = {}
    for name, (keys, kind) in GROUPINGS.items():
        tables[name] = await _grouped(session, run_id, keys, kind)
    by_kind = {row.key["kind"]: row for row in await _grouped(session, run_id, ("kind",), None)}
    attacks = by_kind.get("attack") or RateRow.of({}, OutcomeCounts())
    controls = by_kind.get("control") or RateRow.of({}, OutcomeCounts())
    tokens = (await session.execute(queries.tokens(run_id))).one()
    every = {name: getattr(attacks, name) + getattr(controls, name) for name in ("attempts", "errors", "unscorable")}
    return RunSummary(
        run=_run_info(run),
        totals={**attacks.model_dump(exclude={"key"}), **every, "planned": run.plan_size,
                "input_tokens": int(tokens[0]), "output_tokens": int(tokens[1]),
                "over_refusal": over_refusal_rate(controls)},
        **tables,
        disparities=[d.as_dict() for d in await bias_disparities(session, run_id)],
    )


def over_refusal_rate(controls: RateRow) -> dict[str, Any]:
    """The controls' figures: `refusals` of harmless requests over the `scored` controls."""
    return {"controls": controls.attempts, "scored": controls.scored, "refusals": controls.successes,
            "rate": controls.asr, "ci95": controls.ci95, "errors": controls.errors,
            "unscorable": controls.unscorable}


async def bias_disparities(session: AsyncSession, run_id: str) -> list[Disparity]:
    """Fisher and McNemar tests of the decisions counterfactual probes got (see engine.disparity)."""
    rows = await session.execute(queries.disparity_rows(run_id))
    return disparities(p for t, a, probe, evidence in rows.all() for p in pairs_of(t, a, probe, evidence or ""))


async def _grouped(session: AsyncSession, run_id: str, keys: Sequence[str], kind: str | None) -> list[RateRow]:
    result = await session.execute(queries.grouped(run_id, keys, kind))
    folded: dict[tuple[str, ...], OutcomeCounts] = {}
    for *values, outcome, count in result.all():
        key = tuple(queries.DERIVED[k][1](v) if k in queries.DERIVED else v for k, v in zip(keys, values, strict=True))
        folded.setdefault(key, OutcomeCounts()).add(outcome, int(count))
    rows = [RateRow.of(dict(zip(keys, k, strict=True)), c) for k, c in folded.items()]
    rows.sort(key=lambda r: (-(r.asr or 0.0), tuple(r.key.values())))
    return rows


def _run_info(run: Run) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
            value = value.replace(tzinfo=UTC)
        return value.isoformat(timespec="seconds")

    return {"id": run.id, "kind": run.kind, "status": run.status, "created_at": iso(run.created_at),
            "finished_at": iso(run.finished_at), "planned": run.plan_size, "error": run.error,
            "redhive_version": run.redhive_version, "config": run.config}


async def iter_attempts(session: AsyncSession, run_id: str, *, chunk: int = 1000,
                        target: str | None = None) -> AsyncIterator[Attempt]:
    """Every attempt of a run (of one target, if given) in plan order, streamed (exports of any size
    in flat memory)."""
    await get_run(session, run_id)
    stream = await session.stream_scalars(queries.attempts(run_id, target).execution_options(yield_per=chunk))
    async for attempt in stream:
        yield attempt


async def get_attempt(session: AsyncSession, run_id: str, attempt_id: str) -> Attempt:
    await get_run(session, run_id)
    attempt = await session.get(Attempt, (run_id, attempt_id))
    if attempt is None:
        raise NotFound(f"Run '{run_id}' has no attempt '{attempt_id}': `redhive runs show {run_id} --attempts` "
                       "lists its attempt ids.")
    return attempt


async def turns_of(session: AsyncSession, run_id: str, attempt_ids: Sequence[str]) -> dict[str, list[Turn]]:
    """The turns of a few attempts (a report's examples), in order, keyed by attempt id."""
    out: dict[str, list[Turn]] = {i: [] for i in attempt_ids}
    if not attempt_ids:
        return out
    rows = await session.execute(queries.turns(run_id, attempt_ids))
    for turn in rows.scalars():
        out[turn.attempt_id].append(turn)
    return out


async def iter_attempts_with_turns(session: AsyncSession, run_id: str, *,
                                   chunk: int = 1000) -> AsyncIterator[tuple[Attempt, list[Turn]]]:
    """Every attempt in plan order with its turns: one streamed outer join, so memory holds one
    attempt's conversation at a time whatever the size of the run."""
    await get_run(session, run_id)
    stream = await session.stream(queries.attempts_with_turns(run_id).execution_options(yield_per=chunk))
    current: Attempt | None = None
    turns: list[Turn] = []
    async for attempt, turn in stream:
        if current is not None and attempt.id != current.id:
            yield current, turns
            turns = []
        current = attempt
        if turn is not None:
            turns.append(turn)
    if current is not None:
        yield current, turns
