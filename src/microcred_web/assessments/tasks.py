"""Background work of assessments: the recertification run (schedule it daily)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from microcred_web.assessments.recertification import recertification_run


@task()
def recertification_task(*, now: str | None = None) -> dict[str, int]:
    moment = datetime.fromisoformat(now) if now else None
    return recertification_run(now=moment)
