"""What the API says of a job."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redhive.auth.schemas import UTCDateTime
from redhive.jobs.models import Job

__all__ = ["JobProgress", "JobRead"]


class JobProgress(BaseModel):
    done: int
    total: int
    note: str


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    title: str
    status: str = Field(description="queued, running, succeeded, failed or cancelled")
    org_id: str | None
    created_by_id: str | None
    subject_type: str
    subject_id: str
    progress: JobProgress
    result: dict[str, Any] | None
    error: str = Field(description="The sentence a failed job ended with")
    attempts: int = Field(description="Times a worker took the job (more than one: it was resumed)")
    cancel_requested: bool
    has_output: bool = Field(description="The job built a file: GET /api/jobs/{id}/output")
    created_at: UTCDateTime
    started_at: UTCDateTime | None
    finished_at: UTCDateTime | None

    @classmethod
    def of(cls, job: Job) -> JobRead:
        return cls(id=job.id, kind=job.kind, title=job.title, status=job.status, org_id=job.org_id,
                   created_by_id=job.created_by_id, subject_type=job.subject_type, subject_id=job.subject_id,
                   progress=JobProgress(done=job.progress_done, total=job.progress_total, note=job.progress_note),
                   result=job.result, error=job.error, attempts=job.attempts, cancel_requested=job.cancel_requested,
                   has_output=job.output is not None, created_at=job.created_at, started_at=job.started_at,
                   finished_at=job.finished_at)
