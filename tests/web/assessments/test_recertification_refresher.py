"""The recertification path's refresher course: enrolment when the case opens (once, due at
expiry, with a notification), and renewal only when both the refresher assessment and the
course are done — in either order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred_web.assessments import definitions, selectors, services
from microcred_web.assessments.models import AssessmentStatus, RecertificationStatus
from microcred_web.assessments.recertification import (
    credential_chain,
    recertification_after_learning,
    recertification_enrol,
    recertification_run,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.models import Credential
from microcred_web.learning import progress
from microcred_web.learning import services as learning_services
from microcred_web.learning.models import Course, Enrolment, EnrolmentSource
from microcred_web.notifications.models import Notification


def _course(world, title: str = "Lifting refresher", publish: bool = True) -> Course:
    admin = world.people["admin"]
    course = learning_services.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": title, "language": "en", "duration_minutes": 15},
    )
    module = learning_services.module_create(course=course, actor=admin, title="Recap")
    learning_services.block_create(
        module=module, actor=admin, kind="text", values={"body": "Bend your knees."}
    )
    if publish:
        learning_services.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    return course


def _finish(enrolment: Enrolment) -> bool:
    snapshot = progress.enrolment_snapshot(enrolment)
    return progress.module_complete(enrolment=enrolment, module_key=snapshot["modules"][0]["key"])


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


def _observe(world, requirement, case, clock, capture):
    with capture(execute=True):
        return services.observation_record(
            requirement=requirement,
            learner=world.people["learner"],
            actor=world.people["manager"],
            observed_on=clock.date(),
            place="Dock 4",
            notes="Textbook lift.",
            items={str(c.public_id): True for c in requirement.criteria.all()},
            recertification=case,
            now=clock,
        )


def test_refresher_enrolment_then_renewal_waits_for_the_course(
    world, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    course = _course(world)
    definitions.requirement_refresher_set(
        requirement=observation_req, actor=world.people["admin"], course=course
    )
    old = _earn(world, portfolio, django_capture_on_commit_callbacks)
    assert old.valid_until is not None
    clock = old.valid_until - timedelta(days=29)

    assert recertification_run(now=clock)["cases"] == 1
    enrolment = Enrolment.objects.get(course=course, user=learner)
    assert enrolment.due_date == timezone.localdate(old.valid_until)
    assert enrolment.source == EnrolmentSource.ASSIGNED and enrolment.completed_at is None
    assigned = Notification.objects.filter(user=learner, kind="assigned")
    assert assigned.count() == 1 and course.title in assigned.get().title
    assert reverse(
        "learning:player", kwargs={"slug": world.org.slug, "enrolment_id": enrolment.pk}
    ) == (assigned.get().url)
    case = old.recertification
    assert case.refresher_course_id == course.pk

    # a second run, or the hook called again, does not enrol or notify again
    recertification_run(now=clock)
    recertification_enrol(case=case)
    assert Enrolment.objects.filter(course=course, user=learner).count() == 1
    assert Notification.objects.filter(user=learner, kind="assigned").count() == 1

    # the observation is accepted, the course is not done: no renewal yet
    observed = _observe(world, observation_req, case, clock, django_capture_on_commit_callbacks)
    assert observed.status == AssessmentStatus.ACCEPTED
    case.refresh_from_db()
    assert case.status == RecertificationStatus.OPEN and case.renewed_credential is None
    assert Credential.objects.count() == 1

    # finishing the course (learning's own player service) completes the case
    with django_capture_on_commit_callbacks(execute=True):
        assert _finish(enrolment) is True
    case.refresh_from_db()
    renewed = case.renewed_credential
    assert case.status == RecertificationStatus.COMPLETED
    assert renewed is not None and renewed.pk != old.pk
    assert credential_chain(renewed) == [renewed, old]
    assert selectors.credential_notes(old)[0]["kind"] == "superseded"
    old.refresh_from_db()
    assert old.revoked_at is None
    # learning recorded again later: nothing issued twice
    assert recertification_after_learning(organisation=world.org, user_ids=[learner.pk]) == 0
    assert recertification_enrol(case=case) == enrolment
    assert Credential.objects.count() == 2


def test_course_done_first_then_observation_renews_and_old_completion_is_redone(
    world, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    course = _course(world)
    definitions.requirement_refresher_set(
        requirement=observation_req, actor=world.people["admin"], course=course
    )
    # the learner took the course long ago: the refresher restarts it
    course.self_enrol = True
    course.save()
    earlier = progress.enrolment_self(organisation=world.org, user=learner, course=course)
    _finish(earlier)
    old = _earn(world, portfolio, django_capture_on_commit_callbacks)
    assert old.valid_until is not None
    clock = old.valid_until - timedelta(days=29)
    recertification_run(now=clock)
    enrolment = Enrolment.objects.get(course=course, user=learner)
    assert enrolment.completed_at is None and enrolment.completed_blocks == []
    case = old.recertification
    with django_capture_on_commit_callbacks(execute=True):
        _finish(enrolment)
    case.refresh_from_db()
    assert case.renewed_credential is None  # the observation is still missing
    _observe(world, observation_req, case, clock, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.renewed_credential is not None
    assert credential_chain(case.renewed_credential) == [case.renewed_credential, old]


def test_refresher_course_is_validated(world, observation_req, portfolio) -> None:
    admin = world.people["admin"]
    with pytest.raises(ApplicationError) as draft:
        definitions.requirement_refresher_set(
            requirement=observation_req, actor=admin, course=_course(world, "Draft", False)
        )
    assert draft.value.field == "refresher_course"
    with pytest.raises(ApplicationError) as initial:
        definitions.requirement_refresher_set(
            requirement=portfolio, actor=admin, course=_course(world)
        )
    assert initial.value.field == "refresher_course"


def test_admin_sets_the_refresher_course_on_the_requirement_page(
    world, observation_req, client
) -> None:
    course = _course(world)
    url = reverse(
        "assessments:requirement",
        kwargs={"slug": world.org.slug, "requirement_id": observation_req.pk},
    )
    client.force_login(world.people["admin"])
    page = client.get(url)
    assert course.title in page.content.decode()
    assert client.post(url, {"refresher_course": "999999"}).status_code == 400
    assert client.post(url, {"refresher_course": str(course.pk)}).status_code == 302
    observation_req.refresh_from_db()
    assert observation_req.refresher_course_id == course.pk
