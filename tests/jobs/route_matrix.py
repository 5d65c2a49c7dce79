"""The jobs rows of the route × role matrix (tests/platform/test_route_matrix.py merges them).
The matrix's job belongs to the Lab and was started by its coordinator: the Lab's triage team
sees it, its staff (and the starter) may cancel it; red teamers, observers and outsiders do not
learn it exists (404). Its kind has no handler, so it stays queued while the matrix calls it."""

from __future__ import annotations

from typing import Any

from tests.findings.route_matrix import NOT_TRIAGERS, STAFF, TRIAGE, USERS, expect, fixed
from tests.network.route_matrix import _mission

from redhive.jobs.models import Job
from redhive.kit import utcnow

CO = "coordinator"


async def _job(w: Any, persona: str) -> str:
    async with w.platform.session() as session:
        job = Job(kind="matrix.wait", org_id=w.lab.id, created_by_id=w.users[CO].id, subject_type="", subject_id="",
                  title="A job of the Lab", status="queued", args={}, checkpoint={}, progress_done=0,
                  progress_total=0, progress_note="", error="", attempts=0, cancel_requested=False,
                  output='{"built": true}', output_media_type="application/json", created_at=utcnow())
        session.add(job)
        await session.flush()
        return job.id


PARAMS = {"job_id": _job, "mission_id": _mission}

HIDDEN = frozenset(NOT_TRIAGERS)

ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    ("GET", "/api/jobs"): (expect(USERS, 200), None),
    ("GET", "/api/jobs/{job_id}"): (expect(TRIAGE, 200, hidden=HIDDEN), None),
    ("GET", "/api/jobs/{job_id}/output"): (expect(TRIAGE, 200, hidden=HIDDEN), None),
    # triagers follow the Lab's jobs but only its staff and a job's starter stop one
    ("POST", "/api/jobs/{job_id}/cancel"): (expect(STAFF, 200, hidden=HIDDEN), None),
    ("GET", "/jobs"): (expect(USERS, 200, anonymous=303), None),
    ("GET", "/jobs/{job_id}"): (expect(TRIAGE, 200, hidden=HIDDEN, anonymous=303), None),
    ("POST", "/jobs/{job_id}/cancel"): (expect(STAFF, 303, hidden=HIDDEN), None),
    # a mission's report for an audience: whoever sees the organiser's findings (others: 404)
    ("POST", "/api/reports/missions/{mission_id}"): (expect(TRIAGE, 202, hidden=HIDDEN),
                                                     fixed(audience="TLP:GREEN", format="json")),
    ("POST", "/reports/missions/{mission_id}"): (expect(TRIAGE, 303, hidden=HIDDEN),
                                                 fixed(audience="TLP:GREEN", format="html")),
}
