"""What a renewal's end date is, per expiry policy (decision 0035):
months → counted from the renewal date; fixed date → the date the admin set on the achievement
when it is later than the old one, else the next yearly cycle after the old end date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from microcred_web.achievements import services as achievement_services
from microcred_web.assessments import services
from microcred_web.assessments.recertification import recertification_run
from microcred_web.issuing.models import Credential


def _earn(world, portfolio, capture) -> Credential:
    learner, assessor = world.people["learner"], world.people["assessor"]
    with capture(execute=True):
        assessment = services.assessment_start(requirement=portfolio, learner=learner)
        services.assessment_draft_save(
            assessment=assessment,
            actor=learner,
            reflections={str(c.public_id): "Done" for c in portfolio.criteria.all()},
            links=[{"url": "https://example.org/video", "title": "Video"}],
            make_public=False,
        )
        services.assessment_submit(assessment=assessment, actor=learner)
        services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="competent",
            levels={
                str(c.public_id): str(list(c.levels.all())[1].public_id)
                for c in portfolio.criteria.all()
            },
            feedback={},
        )
    return Credential.objects.get(source_key__startswith="assessment:")


def _renew(world, observation_req, old: Credential, clock: datetime, capture) -> Credential:
    assert recertification_run(now=clock)["cases"] == 1
    case = old.recertification
    with capture(execute=True):
        services.observation_record(
            requirement=observation_req,
            learner=world.people["learner"],
            actor=world.people["manager"],
            observed_on=clock.date(),
            place="Dock 4",
            notes="Textbook lift.",
            items={str(c.public_id): True for c in observation_req.criteria.all()},
            recertification=case,
            now=clock,
        )
    case.refresh_from_db()
    assert case.renewed_credential is not None
    return case.renewed_credential


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _fixed_date(achievement, world, day: date) -> None:
    achievement_services.achievement_update(
        achievement=achievement,
        actor=world.people["admin"],
        values={"expiry_policy": "fixed_date", "expiry_date": day, "expiry_months": None},
    )
    achievement.refresh_from_db()


def _signed_until(credential: Credential) -> str:
    return json.loads(credential.signed_json)["validUntil"]


def test_fixed_date_renewal_runs_to_the_next_cycle(
    world, achievement, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    end = timezone.now().date() + timedelta(days=40)
    _fixed_date(achievement, world, end)
    old = _earn(world, portfolio, django_capture_on_commit_callbacks)
    assert old.valid_until == _end_of(end)
    clock = old.valid_until - timedelta(days=29)
    renewed = _renew(world, observation_req, old, clock, django_capture_on_commit_callbacks)
    following = date(end.year + 1, end.month, min(end.day, 28 if end.month == 2 else end.day))
    assert renewed.valid_until == _end_of(following)
    assert _signed_until(renewed) == _end_of(following).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_fixed_date_renewal_takes_the_later_date_the_admin_set(
    world, achievement, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    end = timezone.now().date() + timedelta(days=40)
    _fixed_date(achievement, world, end)
    old = _earn(world, portfolio, django_capture_on_commit_callbacks)
    given = end + timedelta(days=200)
    _fixed_date(achievement, world, given)  # the admin sets the next cycle's date
    renewed = _renew(
        world,
        observation_req,
        old,
        old.valid_until - timedelta(days=29),
        django_capture_on_commit_callbacks,
    )
    assert renewed.valid_until == _end_of(given)


def test_months_renewal_counts_from_the_renewal_date(
    world, achievement, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    old = _earn(world, portfolio, django_capture_on_commit_callbacks)  # 12 months
    clock = (old.valid_until - timedelta(days=29)).replace(microsecond=0)
    renewed = _renew(world, observation_req, old, clock, django_capture_on_commit_callbacks)
    assert renewed.issued_at == clock
    assert renewed.valid_until.date() == date(clock.year + 1, clock.month, clock.day)
