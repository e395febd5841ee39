"""Background work of bulk issuance (run by ``microcred-admin db_worker``)."""

from __future__ import annotations

from django_tasks import task

from microcred_web.bulk import services


@task()
def bulk_job_run(*, job_id: int) -> int:
    """Issue a job's chunks until none is left; several of these may run for one job."""
    return services.bulk_job_work(job_id=job_id)


@task()
def bulk_job_rekey_run(*, job_id: int) -> int:
    """Re-issue what a key compromise invalidated, then finish the job's remaining rows."""
    from microcred_web.bulk import rekey

    reissued = rekey.bulk_job_rekey(job_id=job_id)
    services.bulk_job_work(job_id=job_id)
    return reissued
