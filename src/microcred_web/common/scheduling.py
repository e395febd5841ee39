"""Daily housekeeping jobs, run once a day by ``microcred-admin scheduler``.

Apps register their jobs in ``AppConfig.ready`` (:func:`daily_job_register`); the scheduler
claims each (job, day) with a unique :class:`~microcred_web.common.models.ScheduledRun` row
before running it, so several scheduler processes — or a restart — never run a job twice on
one day, and a job that failed is recorded with its error (and not retried until the next day,
unless ``--force``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred_web.common.models import ScheduledRun

logger = logging.getLogger(__name__)

JobResult = Mapping[str, int] | int | None


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[datetime], JobResult]
    description: str


_JOBS: dict[str, DailyJob] = {}


def daily_job_register(name: str, run: Callable[[datetime], JobResult], description: str) -> None:
    """Register ``run(now)`` as the daily job ``name`` (registering a name again replaces it)."""
    _JOBS[name] = DailyJob(name, run, description)


def daily_jobs() -> list[DailyJob]:
    return [_JOBS[name] for name in sorted(_JOBS)]


def _summary(result: JobResult) -> str:
    if result is None:
        return "done"
    if isinstance(result, int):
        return str(result)
    return ", ".join(f"{key}: {value}" for key, value in result.items())


def daily_jobs_run(*, now: datetime | None = None, force: bool = False) -> list[ScheduledRun]:
    """Run every registered job not yet run (or claimed) on ``now``'s UTC day.

    Returns the runs made by this call. With ``force``, jobs already run today run again
    (their row is updated); a job's exception is recorded, never raised, so one failing job
    does not stop the others.
    """
    now = now or timezone.now()
    day: date = now.astimezone(UTC).date() if now.tzinfo else now.date()
    runs: list[ScheduledRun] = []
    for job in daily_jobs():
        run = _claim(job.name, day, now, force)
        if run is None:
            continue
        try:
            result = job.run(now)
        except Exception:
            run.outcome = ScheduledRun.Outcome.FAILED
            run.detail = traceback.format_exc(limit=5)[-2000:]
            logger.exception("daily job %s failed", job.name)
        else:
            run.outcome = ScheduledRun.Outcome.DONE
            run.detail = _summary(result)
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "detail", "finished_at"])
        runs.append(run)
    return runs


def _claim(name: str, day: date, now: datetime, force: bool) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=name, day=day, started_at=now)
    except IntegrityError:
        if not force:
            return None
    run = ScheduledRun.objects.get(job=name, day=day)
    run.started_at, run.outcome, run.detail, run.finished_at = now, "", "", None
    run.save(update_fields=["started_at", "outcome", "detail", "finished_at"])
    return run
