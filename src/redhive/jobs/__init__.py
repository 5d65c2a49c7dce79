"""Jobs: work the web app hands off instead of doing it inside a request (replays, re-tests,
regression and transfer runs, report builds).

- `registry`: `@job("domain.verb")` handlers, registered in each domain's `tasks.py`;
- `service`: `enqueue` (effective when the caller's transaction commits), `get_job`, `list_jobs`,
  `cancel_job`;
- `context`: what a handler gets, and `step()`, its unit of exactly-once work;
- `lease`: claiming and holding a job (SKIP LOCKED on PostgreSQL, a conditional UPDATE on SQLite);
- `runner`: the in-process executor `redhive serve` runs by default; `executors` names the choices.
"""

from redhive.jobs.context import JobCancelled, JobContext, JobResources, LeaseLost
from redhive.jobs.registry import job
from redhive.jobs.service import cancel_job, enqueue, get_job, list_jobs

__all__ = ["JobCancelled", "JobContext", "JobResources", "LeaseLost", "cancel_job", "enqueue", "get_job", "job",
           "list_jobs"]
