"""The daily-jobs scheduler: every registered job once per UTC day, failures recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent
from microcred_web.common import scheduling
from microcred_web.common.models import ScheduledRun
from microcred_web.orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_jobs():
    """Register throwaway jobs; the app's own registrations are restored afterwards."""
    saved = dict(scheduling._JOBS)
    yield scheduling.daily_job_register
    scheduling._JOBS.clear()
    scheduling._JOBS.update(saved)


def test_the_apps_register_their_daily_jobs() -> None:
    names = {job.name for job in scheduling.daily_jobs()}
    assert {"recertification", "analytics_prune"} <= names


def test_each_job_runs_once_a_day_and_again_the_next_day(extra_jobs) -> None:
    calls: list[datetime] = []
    extra_jobs("zz_probe", lambda now: calls.append(now) or {"seen": len(calls)}, "a probe")
    monday = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)

    first = scheduling.daily_jobs_run(now=monday)
    again = scheduling.daily_jobs_run(now=monday + timedelta(hours=5))
    tuesday = scheduling.daily_jobs_run(now=monday + timedelta(days=1))

    assert calls == [monday, monday + timedelta(days=1)]
    assert "zz_probe" in {run.job for run in first}
    assert again == []
    probe = ScheduledRun.objects.get(job="zz_probe", day=monday.date())
    assert (probe.outcome, probe.detail) == ("done", "seen: 1")
    assert {run.job for run in tuesday} == {run.job for run in first}


def test_a_failing_job_is_recorded_and_the_others_still_run(extra_jobs) -> None:
    def broken(now: datetime) -> None:
        raise RuntimeError("disk full")

    ran: list[str] = []
    extra_jobs("aa_broken", broken, "fails")
    extra_jobs("zz_after", lambda now: ran.append("after"), "runs after the failure")

    runs = {run.job: run for run in scheduling.daily_jobs_run()}

    assert runs["aa_broken"].outcome == ScheduledRun.Outcome.FAILED
    assert "RuntimeError: disk full" in runs["aa_broken"].detail
    assert runs["aa_broken"].finished_at is not None
    assert ran == ["after"]
    assert runs["zz_after"].outcome == ScheduledRun.Outcome.DONE


def test_a_day_claimed_by_another_scheduler_is_skipped_unless_forced(extra_jobs) -> None:
    calls: list[datetime] = []
    extra_jobs("zz_probe", lambda now: calls.append(now), "a probe")
    now = timezone.now()
    ScheduledRun.objects.create(job="zz_probe", day=now.astimezone(UTC).date(), started_at=now)

    assert "zz_probe" not in {run.job for run in scheduling.daily_jobs_run(now=now)}
    assert calls == []
    forced = {run.job: run for run in scheduling.daily_jobs_run(now=now, force=True)}
    assert calls == [now]
    assert forced["zz_probe"].outcome == "done"
    assert ScheduledRun.objects.filter(job="zz_probe").count() == 1


def test_the_command_runs_the_real_jobs_once(settings) -> None:
    settings.MICROCRED_ANALYTICS_RETENTION_DAYS = 30
    org = Organisation.objects.create(name="Acme", slug="acme")
    keep = CredentialEvent.objects.create(kind="view", organisation=org)
    old = CredentialEvent.objects.create(kind="view", organisation=org)
    CredentialEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    call_command("scheduler", "--once", stdout=out)

    text = out.getvalue()
    assert "analytics_prune: done (1)" in text
    assert "recertification: done (reminders: 0, expired: 0, cases: 0)" in text
    assert text.count("analytics_prune:") == 1  # the second --once found it done
    assert list(CredentialEvent.objects.values_list("pk", flat=True)) == [keep.pk]


def test_the_command_refuses_bad_options() -> None:
    with pytest.raises(CommandError, match="--hour"):
        call_command("scheduler", "--once", "--hour", "24", stdout=StringIO())
    with pytest.raises(CommandError, match="--force goes with --once"):
        call_command("scheduler", "--force", stdout=StringIO())
