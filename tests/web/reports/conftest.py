"""A hand-counted fixture: two achievements, three credentials in Acme (one in Globex that
must never count), and their events at known dates.

    c1  Forklift   learner (team Depot)  issued 2026-10-05  claimed 2026-10-06
    c2  Forklift   outsider (no member)  issued 2026-10-20  not claimed
    c3  First aid  learner (team Depot)  issued 2026-11-03  not claimed
    g1  Forklift   Globex                issued 2026-10-07  (other organisation)

    views   c1 ×3 (2026-10-06, 2026-10-13, 2026-11-02); g1 ×5
    shares  c1 linkedin (2026-10-06); c3 email ×2 (2026-11-04, 2026-11-05)
    verify  c1 by Globex (2026-10-14); c2 anonymous (2026-10-21)
    enrolments  learner (Depot) and admin (no team) in "Safe lifting"; the learner's
                completed 2026-10-30
    quiz attempts  learner: failed 2026-10-10, passed 2026-10-12; admin: failed 2026-11-02
    Globex's country is DE
    skills  Forklift aligned to "Operate forklift" and "Load safely"; First aid to none
    job roles  the learner is a "Warehouse operative"; nobody else has a role
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from microcred_web.achievements import services as achievement_services
from microcred_web.analytics.models import CredentialEvent
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.learning.models import Course, Enrolment, Quiz, QuizAttempt


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _version(organisation, actor, name: str):
    achievement = achievement_services.achievement_create(
        organisation=organisation,
        actor=actor,
        values={
            "name": name,
            "description": f"{name} description.",
            "criteria": "Passed.",
            "achievement_type": "Badge",
        },
    )
    return achievement_services.achievement_publish(achievement=achievement, actor=actor)


def _issue(organisation, version, actor, email: str, name: str, issued: str) -> Credential:
    (credential,) = issuing.credentials_issue(
        organisation=organisation,
        achievement_version=version,
        recipients=[issuing.RecipientInput(email=email, name=name)],
        actor=actor,
        source="ui",
        deliver=False,
    )
    Credential.objects.filter(pk=credential.pk).update(issued_at=at(issued))
    credential.refresh_from_db()
    return credential


def _event(kind: str, credential: Credential, day: str, **extra) -> None:
    event = CredentialEvent.objects.create(
        kind=kind, credential=credential, organisation=credential.organisation, **extra
    )
    CredentialEvent.objects.filter(pk=event.pk).update(created_at=at(day))


@dataclass
class Activity:
    world: object
    forklift: object
    first_aid: object
    c1: Credential
    c2: Credential
    c3: Credential
    g1: Credential


@pytest.fixture
def activity(world) -> Activity:
    admin, learner = world.people["admin"], world.people["learner"]
    forklift = _version(world.org, admin, "Forklift")
    first_aid = _version(world.org, admin, "First aid")
    other_version = _version(world.other, world.others["admin"], "Forklift")
    c1 = _issue(world.org, forklift, admin, learner.email, "Lea", "2026-10-05")
    c2 = _issue(world.org, forklift, admin, "outsider@example.com", "Out", "2026-10-20")
    c3 = _issue(world.org, first_aid, admin, learner.email, "Lea", "2026-11-03")
    g1 = _issue(
        world.other, other_version, world.others["admin"], "x@globex.example", "X", "2026-10-07"
    )
    Credential.objects.filter(pk__in=[c1.pk, c3.pk]).update(recipient_user=learner)
    Credential.objects.filter(pk=c1.pk).update(claimed_at=at("2026-10-06"))
    for day in ("2026-10-06", "2026-10-13", "2026-11-02"):
        _event("view", c1, day)
    for _n in range(5):
        _event("view", g1, "2026-10-08")
    _event("share", c1, "2026-10-06", channel="linkedin")
    _event("share", c3, "2026-11-04", channel="email")
    _event("share", c3, "2026-11-05", channel="email")
    _event("verify", c1, "2026-10-14", result="valid", viewer_organisation=world.other)
    _event("verify", c2, "2026-10-21", result="valid")
    world.other.country = "DE"
    world.other.save(update_fields=["country"])
    _learning(world)
    _skills_and_roles(world, forklift.achievement)
    for credential in (c1, c2, c3):
        credential.refresh_from_db()
    return Activity(world, forklift, first_aid, c1, c2, c3, g1)


def _learning(world) -> None:
    course = Course.objects.create(organisation=world.org, title="Safe lifting")
    quiz = Quiz.objects.create(course=course, title="Lifting quiz")
    learner, admin = world.people["learner"], world.people["admin"]
    enrolments = {
        learner: Enrolment.objects.create(
            organisation=world.org, course=course, user=learner, source="assigned", team=world.team
        ),
        admin: Enrolment.objects.create(
            organisation=world.org, course=course, user=admin, source="self"
        ),
    }
    Enrolment.objects.filter(course=course).update(created_at=at("2026-10-02"))
    Enrolment.objects.filter(user=learner).update(completed_at=at("2026-10-30"))
    for number, (person, day, passed) in enumerate(
        (
            (learner, "2026-10-10", False),
            (learner, "2026-10-12", True),
            (admin, "2026-11-02", False),
        ),
        start=1,
    ):
        QuizAttempt.objects.create(
            quiz=quiz,
            enrolment=enrolments[person],
            user=person,
            number=number,
            questions=[],
            passed=passed,
            submitted_at=at(day),
        )


def _skills_and_roles(world, achievement) -> None:
    from microcred_web.skills.models import Alignment, Framework, JobRole, PersonRole, Skill

    framework = Framework.objects.create(
        organisation=world.org, name="Ours", source="own", uri="urn:ours"
    )
    for label in ("Operate forklift", "Load safely"):
        skill = Skill.objects.create(
            organisation=world.org, framework=framework, uri=f"urn:ours:{label}", label=label
        )
        Alignment.objects.create(
            organisation=world.org, achievement=achievement, skill=skill, level=2
        )
    role = JobRole.objects.create(organisation=world.org, name="Warehouse operative")
    PersonRole.objects.create(organisation=world.org, user=world.people["learner"], current=role)
