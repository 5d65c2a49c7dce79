"""Reports from files and from runs: the CLI's YAML report file (errors name the file and line, as
for suites) and drafts from a run of either kind — a probe run gives one draft per probe family
(risk area × attack chain) with successes on one version, an agent run one per environment × attack
with successful injections; never one per attempt, never pooled across targets, each citing its
successful attempts or episodes as evidence."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.errors import InvalidInput, NotFound, SuiteFileError
from redhive.findings import service
from redhive.findings.models import FlawReport
from redhive.findings.schemas import ReportCreate
from redhive.orgs.models import SystemVersion
from redhive.runs import queries
from redhive.runs.models import AgentEpisode, Attempt, Run

__all__ = ["MAX_EVIDENCE_PER_DRAFT", "drafts_from_run", "load_report_file"]

MAX_EVIDENCE_PER_DRAFT = 20


def load_report_file(path: Path, **overrides: Any) -> ReportCreate:
    from redhive.engine.suites.loader import line_of, read_yaml, validation_error

    data, root = read_yaml(path)
    if not isinstance(data, dict):
        raise SuiteFileError(str(path), 1, "a report file is a mapping of fields (see docs/findings.md).")
    try:
        return ReportCreate.model_validate({**data, **{k: v for k, v in overrides.items() if v is not None}})
    except ValidationError as exc:
        raise validation_error(exc, path, lambda loc: line_of(root, loc),
                               schema="the report file schema in docs/findings.md") from None


def _probe_taxonomy(suite: str, probe_id: str) -> tuple[list[str], str, str]:
    from redhive.engine import load_suite

    try:
        probe = next(p for p in load_suite(suite).probes if p.id == probe_id)
    except Exception:  # the suite moved since the run: the draft just carries no taxonomy
        return [], "HZ0", probe_id
    return [probe.owasp, probe.atlas, *probe.avid], getattr(probe, "hazard", "HZ0") or "HZ0", probe.title


async def _attempts_of(session: AsyncSession, run: Run, versions: Sequence[SystemVersion]) -> list[
        tuple[SystemVersion, list[Any]]]:
    """Each version's attempts (an agent run's episodes): those of the run's target that is the
    version's upstream target; a run of a single target may be pinned to one version whatever its
    target (e.g. run through the gateway). They are never pooled across targets."""
    attempts = (await session.scalars(queries.episodes(run.id) if run.kind == "agent"
                                      else queries.attempts(run.id))).all()
    run_id = run.id
    targets = sorted({a.target for a in attempts})
    out = []
    for version in versions:
        mine = [a for a in attempts if a.target == version.upstream_target]
        if not mine and len(targets) == 1 and len(versions) == 1:
            mine = list(attempts)
        if not mine:
            raise InvalidInput(f"Run {run_id} has no attempt on {version.upstream_target}, the target of version "
                               f"{version.label}; its targets are {', '.join(targets) or 'none'}: give the version "
                               "of each target you want drafts for.", field="version_id")
        out.append((version, mine))
    return out


async def drafts_from_run(session: AsyncSession, actor: Actor, run_id: str, *, version_ids: Sequence[str],
                          mission_id: str | None = None) -> list[FlawReport]:
    """One draft per version × probe family (risk area × attack chain) with successes, counting only
    that version's target's attempts."""
    run = await session.get(Run, run_id)
    if run is None:
        raise NotFound(f"There is no run {run_id}: list runs with `redhive runs list`.")
    versions = []
    for version_id in dict.fromkeys(version_ids):
        version = await session.get(SystemVersion, version_id)
        if version is None:
            raise InvalidInput(f"There is no system version {version_id}: give the exact version the run tested.",
                               field="version_id")
        versions.append(version)
    if not versions:
        raise InvalidInput("Give the version the run tested (--version), once per target.", field="version_id")
    drafts = []
    if run.kind == "agent":
        for version, episodes in await _attempts_of(session, run, versions):
            drafts += await _episode_drafts(session, actor, run_id, version, mission_id, episodes)
        return drafts
    for version, attempts in await _attempts_of(session, run, versions):
        groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            groups[(attempt.risk_area, attempt.attack)].append(attempt)
        for (area, attack), members in sorted(groups.items()):
            wins = [a for a in members if a.outcome == "success"]
            scored = [a for a in members if a.outcome in ("success", "refused", "resisted")]
            if wins:
                drafts.append(await _draft(session, actor, run_id, version, mission_id, area, attack, wins, scored))
    return drafts


async def _draft(session: AsyncSession, actor: Actor, run_id: str, version: SystemVersion, mission_id: str | None,
                 area: str, attack: str, wins: Sequence[Attempt], scored: Sequence[Attempt]) -> FlawReport:
    first = wins[0]
    taxonomy, hazard, title = _probe_taxonomy(first.suite, first.probe_id)
    probes = sorted({a.probe_id for a in wins})
    data = ReportCreate(
        version_id=version.id, mission_id=mission_id,
        title=(f"{area.replace('_', ' ').capitalize()} under {attack} on {version.label}: {len(wins)} of "
               f"{len(scored)} attempts")[:200],
        description=(f"Scan {run_id} found {len(wins)} successful attempts of {len(scored)} scored on "
                     f"{first.target} (version {version.label}) in the {area} family with the attack chain "
                     f"{attack}, on probes {', '.join(probes)} (first: {title})."),
        attack_prompts="\n".join(dict.fromkeys(a.prompt for a in wins[:5])),
        taxonomy=[t for t in taxonomy if t],
        hazard_class=hazard if hazard in ("HZ0", "HZ1", "HZ2", "HZ3") else "HZ0",
        provenance="ai_generated",
        evidence=[f"attempt:{run_id}/{a.id}" for a in wins[:MAX_EVIDENCE_PER_DRAFT]],
        replication={"suite": first.suite, "probe_id": first.probe_id, "attack": attack},
        reproducibility={"trials": len(scored), "successes": len(wins), "sampling": "scan defaults"},
        submit=False)
    report, _ = await service.submit_report(session, actor, data=data)
    return report


#: What an injection that makes an agent act is, in the taxonomies (OWASP LLM 2025, MITRE ATLAS).
_AGENT_TAXONOMY = ["LLM01:2025", "LLM06:2025", "AML.T0051.001"]


async def _episode_drafts(session: AsyncSession, actor: Actor, run_id: str, version: SystemVersion,
                          mission_id: str | None, episodes: Sequence[AgentEpisode]) -> list[FlawReport]:
    """One draft per monitor mode × environment × attack with successful injections, over the
    attacked episodes that ended with a verdict (errors and benign episodes are not trials)."""
    groups: dict[tuple[str, str, str], list[AgentEpisode]] = defaultdict(list)
    for ep in episodes:
        if ep.attack is not None and ep.injection_success is not None and ep.status != "error":
            groups[(ep.monitor_mode, ep.env, ep.attack)].append(ep)
    drafts = []
    for (mode, env, attack), trials in sorted(groups.items()):
        wins = [e for e in trials if e.injection_success]
        if not wins:
            continue
        first = json.loads(wins[0].trace)
        tasks = sorted({e.injection_task or "" for e in wins})
        data = ReportCreate(
            version_id=version.id, mission_id=mission_id,
            title=(f"Injected instructions carried out in {env} under {attack} on {version.label}: {len(wins)} of "
                   f"{len(trials)} episodes")[:200],
            description=(f"Agent run {run_id} ({mode} mode) found {len(wins)} episodes of {len(trials)} attacked in "
                         f"which {wins[0].target} (version {version.label}) carried out an instruction injected "
                         f"into the {env} environment with the attack {attack}; injection tasks "
                         f"{', '.join(tasks)}; first user task {first.get('user_task')}, seed {first.get('seed')}. "
                         "Each cited episode's trace is hash-chained; re-run the cell with `redhive agent-scan` "
                         f"--env {env} --attacks {attack} --monitor {mode} (a replication packet replays one probe, "
                         "not an episode)."),
            attack_prompts="\n".join(dict.fromkeys(text for w in wins[:5]
                                                   for text in json.loads(w.trace).get("injections", {}).values())),
            taxonomy=_AGENT_TAXONOMY, hazard_class="HZ0", provenance="ai_generated",
            evidence=[f"episode:{run_id}/{e.monitor_mode}/{e.id}" for e in wins[:MAX_EVIDENCE_PER_DRAFT]],
            reproducibility={"trials": len(trials), "successes": len(wins), "sampling": "agent-scan defaults"},
            submit=False)
        report, _ = await service.submit_report(session, actor, data=data)
        drafts.append(report)
    return drafts
