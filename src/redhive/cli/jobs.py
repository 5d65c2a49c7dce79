"""`redhive jobs list|show|cancel`: the jobs a server runs (replays, re-tests, regression and
transfer runs, report builds), as the person `--as EMAIL` sees them in the web app.
The CLI reads the server's database (REDHIVE_DATABASE_URL); it runs no job itself."""

from __future__ import annotations

import json
from typing import Any

import typer

from redhive.cli.common import out, run, with_db
from redhive.cli.findings import AS, PASSWORD, _actor

app = typer.Typer(help="Jobs of the server: list, show, cancel.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON (what GET /api/jobs answers).")


def _read(job: Any) -> dict[str, Any]:
    from redhive.jobs.schemas import JobRead

    return JobRead.of(job).model_dump(mode="json")


def _line(job: dict[str, Any]) -> str:
    progress = job["progress"]
    done = f" {progress['done']}/{progress['total']}" if progress["total"] else ""
    return f"{job['id']}  {job['status']:<9}{done}  {job['kind']}  {job['title']}"


def _print(job: dict[str, Any]) -> None:
    from redhive.jobs.registry import summary

    out.print(_line(job), highlight=False)
    if job["progress"]["note"] and job["status"] == "running":
        out.print(f"  now: {job['progress']['note']}", highlight=False)
    if job["attempts"] > 1:
        out.print(f"  attempts: {job['attempts']} (resumed after its worker stopped)", highlight=False)
    said = summary(job["kind"], job["result"])
    if said:
        out.print(f"  {said}", highlight=False)
    if job["error"]:
        out.print(f"  {job['error']}", highlight=False)


@app.command("list")
def list_(status: str | None = typer.Option(None, "--status", help="queued, running, succeeded, failed or "
                                            "cancelled."),
          limit: int = typer.Option(50, "--limit", min=1, max=500, help="At most this many, newest first."),
          as_json: bool = JSON, email: str = AS, password: str = PASSWORD) -> None:
    """Your jobs and your organisations' (where you triage findings), newest first."""
    from redhive.jobs import service

    async def body(db: Any) -> list[dict[str, Any]]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            return [_read(j) for j in await service.list_jobs(session, actor, status=status, limit=limit)]

    jobs = run(with_db, body)
    if as_json:
        out.print_json(json.dumps(jobs))
        return
    if not jobs:
        out.print("No jobs.", highlight=False)
    for job in jobs:
        out.print(_line(job), highlight=False)


@app.command("show")
def show(job_id: str = typer.Argument(..., help="The job's id."), as_json: bool = JSON, email: str = AS,
         password: str = PASSWORD) -> None:
    """One job: status, progress, result or the sentence it failed with."""
    from redhive.jobs import service

    async def body(db: Any) -> dict[str, Any]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            return _read(await service.get_job(session, actor, job_id))

    job = run(with_db, body)
    if as_json:
        out.print_json(json.dumps(job))
        return
    _print(job)


@app.command("cancel")
def cancel(job_id: str = typer.Argument(..., help="The job's id."), as_json: bool = JSON, email: str = AS,
           password: str = PASSWORD) -> None:
    """Cancel a job: a queued one at once, a running one before its next step."""
    from redhive.jobs import service

    async def body(db: Any) -> dict[str, Any]:
        async with db.session() as session:
            actor = await _actor(session, email, password)
            return _read(await service.cancel_job(session, actor, job_id))

    job = run(with_db, body)
    if as_json:
        out.print_json(json.dumps(job))
        return
    out.print(f"Job {job_id} cancelled." if job["status"] == "cancelled"
              else f"Job {job_id} stops before its next step.", highlight=False)
