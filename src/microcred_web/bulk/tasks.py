"""Background work of bulk issuance (run by ``microcred-admin db_worker``)."""

from __future__ import annotations

from django_tasks import task

from microcred_web.bulk import services


@task()
def bulk_job_run(*, job_id: int) -> int:
    """Issue a job's chunks until none is left; several of these may run for one job."""
    return services.bulk_job_work(job_id=job_id)
