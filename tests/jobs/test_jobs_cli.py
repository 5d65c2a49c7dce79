"""`redhive jobs list|show|cancel` (with --json) on the server's database, as a person sees jobs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tests.jobs.builders import PASSWORD, retest_world
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.db.session import Database
from redhive.findings import tasks


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_list_show_cancel(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)

    async def queue() -> tuple[str, str, str]:
        db = Database(db_url)
        await db.ensure_schema()
        try:
            lab = await retest_world(db, "http://127.0.0.1:9/v1")
            other = await retest_world(db, "http://127.0.0.1:9/v1", name="Other")
            from redhive.auth import service as auth

            async with db.session() as session:  # no server runs: the job waits, queued
                actor = await auth.load_actor(session, await auth.get_user(session, lab.coordinator_id),
                                              via="password")
                job = await tasks.start_retest(session, actor, lab.flaw_id, version_id=lab.version_id, trials=2)
            return job.id, lab.coordinator_email, other.coordinator_email
        finally:
            await db.dispose()

    job_id, email, outsider = asyncio.run(queue())
    runner = CliRunner()
    listed = runner.invoke(cli, ["jobs", "list", "--json", "--as", email])
    assert listed.exit_code == 0, listed.output
    jobs = json.loads(listed.output)
    assert [(j["id"], j["kind"], j["status"], j["progress"]["total"]) for j in jobs] == [
        (job_id, "findings.retest", "queued", 1)]
    plain = runner.invoke(cli, ["jobs", "list", "--as", email])
    assert job_id in plain.output and "queued" in plain.output

    assert json.loads(runner.invoke(cli, ["jobs", "list", "--json", "--as", outsider]).output) == []
    hidden = runner.invoke(cli, ["jobs", "show", job_id, "--as", outsider])
    assert hidden.exit_code == 2 and f"There is no job {job_id} that you can see." in " ".join(hidden.output.split())

    shown = runner.invoke(cli, ["jobs", "show", job_id, "--json", "--as", email])
    assert shown.exit_code == 0 and json.loads(shown.output)["title"].startswith("Re-test ×2 of")
    cancelled = runner.invoke(cli, ["jobs", "cancel", job_id, "--as", email])
    assert cancelled.exit_code == 0 and f"Job {job_id} cancelled." in cancelled.output
    again = runner.invoke(cli, ["jobs", "cancel", job_id, "--as", email])
    assert again.exit_code != 0 and "The job already ended (cancelled): there is nothing to cancel." in " ".join(
        again.output.split())
    assert "Traceback" not in again.output
    bad = runner.invoke(cli, ["jobs", "list", "--status", "done", "--as", email])
    assert bad.exit_code == 2 and "A job's status is one of" in bad.output
