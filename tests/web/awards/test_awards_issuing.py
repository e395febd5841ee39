"""Automatic issuing: rules met by learning issue the credential once, stacking, races."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from awards_helpers import complete_course, make_achievement, make_course, set_rule, take_quiz
from django.core import mail
from django.db import connection
from django.utils import timezone

from microcred.rules import AllOf, CourseCompleted, CredentialHeld, QuizPassed
from microcred_web.awards import services
from microcred_web.awards.models import Award, AwardRule
from microcred_web.awards.tasks import awards_evaluate_task
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput
from microcred_web.learning.signals import learning_recorded

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race between two database connections"
)


def course_and_quiz(place: Any) -> AllOf:
    return AllOf(
        (
            CourseCompleted(f"course:{place.course.public_id}", place.course.title),
            QuizPassed(f"quiz:{place.quiz.public_id}", place.quiz.title, 80),
        )
    )


def credentials_for(place: Any, achievement: Any) -> list[Credential]:
    return list(
        Credential.objects.filter(
            organisation=place.org, achievement_version__achievement=achievement
        )
    )


@pytest.mark.django_db(transaction=True)
def test_rule_met_by_learning_issues_once_and_mails_the_claim_link(place) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    set_rule(place.org, achievement, course_and_quiz(place), place.admin)

    complete_course(place.org, place.learner, place.course)
    take_quiz(place.org, place.learner, place.quiz, 65)
    assert credentials_for(place, achievement) == []

    take_quiz(place.org, place.learner, place.quiz, 85)
    [credential] = credentials_for(place, achievement)
    assert credential.recipient_user == place.learner
    assert credential.recipient_email == place.learner.email
    assert credential.source == "award"
    award = Award.objects.get(achievement=achievement, user=place.learner)
    assert award.credential == credential
    claim = [m for m in mail.outbox if m.to == [place.learner.email]]
    assert len(claim) == 1 and "/claim/" in claim[0].body

    # the same event again, and a replay of the whole evaluation: still one credential
    learning_recorded.send(sender=None, organisation=place.org, user_ids=[place.learner.pk])
    awards_evaluate_task.enqueue(organisation_id=place.org.pk, user_ids=[place.learner.pk])
    assert len(credentials_for(place, achievement)) == 1
    assert Award.objects.filter(achievement=achievement).count() == 1
    assert len([m for m in mail.outbox if m.to == [place.learner.email]]) == 1


@pytest.mark.django_db
def test_replaying_the_evaluation_issues_one_credential(place) -> None:
    """SQLite-safe idempotence: the task's work run twice in a row."""
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    services.award_rule_save(
        organisation=place.org,
        achievement=achievement,
        rule=course_and_quiz(place),
        actor=place.admin,
    )
    complete_course(place.org, place.learner, place.course)
    take_quiz(place.org, place.learner, place.quiz, 90)
    AwardRule.objects.filter(achievement=achievement).update(enabled=True)
    first = services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
    second = services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
    assert [a.user for a in first] == [place.learner] and second == []
    # even when the award row is missing (a crash after issuing), the source key holds
    Award.objects.all().delete()
    third = services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
    assert len(third) == 1
    assert len(credentials_for(place, achievement)) == 1
    assert third[0].credential == credentials_for(place, achievement)[0]


@pytest.mark.django_db(transaction=True)
def test_stacked_award_is_issued_when_the_second_credential_arrives(place) -> None:
    admin = place.admin
    second_course = make_course(place.org, admin, "Racking")
    a = make_achievement(place.org, admin, "Lifting")
    b = make_achievement(place.org, admin, "Racking")
    c = make_achievement(place.org, admin, "Warehouse all-rounder")
    set_rule(
        place.org, a, CourseCompleted(f"course:{place.course.public_id}", "Safe lifting"), admin
    )
    set_rule(place.org, b, CourseCompleted(f"course:{second_course.public_id}", "Racking"), admin)
    set_rule(
        place.org,
        c,
        AllOf(
            (
                CredentialHeld(f"achievement:{a.public_id}", a.name),
                CredentialHeld(f"achievement:{b.public_id}", b.name),
            )
        ),
        admin,
    )
    assert AwardRule.objects.get(achievement=c).stacks_on.split() == sorted(
        [str(a.public_id), str(b.public_id)]
    )
    complete_course(place.org, place.learner, place.course)
    assert len(credentials_for(place, a)) == 1 and credentials_for(place, c) == []
    complete_course(place.org, place.learner, second_course)
    assert len(credentials_for(place, b)) == 1
    [stacked] = credentials_for(place, c)
    assert stacked.recipient_user == place.learner


@pytest.mark.django_db(transaction=True)
def test_credentials_issued_by_hand_count_for_stacking_and_revoked_ones_do_not(place) -> None:
    admin = place.admin
    a = make_achievement(place.org, admin, "First aid")
    b = make_achievement(place.org, admin, "Fire warden")
    c = make_achievement(place.org, admin, "Safety lead")
    rule = AllOf(
        (
            CredentialHeld(f"achievement:{a.public_id}", a.name),
            CredentialHeld(f"achievement:{b.public_id}", b.name),
        )
    )
    set_rule(place.org, c, rule, admin)

    def issue(achievement: Any) -> Credential:
        [credential] = issuing.credentials_issue(
            organisation=place.org,
            achievement_version=achievement.current_version,
            recipients=[RecipientInput(email=place.learner.email.upper(), name="Lee")],
            actor=admin,
            source="ui",
        )
        return credential

    first = issue(a)
    issuing.credential_revoke(credential=first, actor=admin, reason="issued in error")
    issue(b)
    assert credentials_for(place, c) == []  # A was revoked: not held
    issue(a)
    assert len(credentials_for(place, c)) == 1


@pytest.mark.django_db
def test_rule_changes_are_validated_and_audited(place) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    award_rule = services.award_rule_save(
        organisation=place.org,
        achievement=achievement,
        rule=course_and_quiz(place),
        actor=place.admin,
    )
    assert award_rule.enabled is False
    assert award_rule.rule == course_and_quiz(place)
    assert award_rule.rule_json["version"] == 1
    event = AuditEvent.objects.filter(action="awards.rule_changed").latest("pk")
    assert "Complete all of: ‘Safe lifting’ and ‘Forklift quiz’ with at least 80%" in str(
        event.data
    )
    emptied = services.award_rule_save(
        organisation=place.org, achievement=achievement, rule=None, actor=place.admin, enabled=True
    )
    assert emptied.enabled is False and emptied.rule is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_issue_exactly_one_credential(place, monkeypatch) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    services.award_rule_save(
        organisation=place.org,
        achievement=achievement,
        rule=course_and_quiz(place),
        actor=place.admin,
    )
    complete_course(place.org, place.learner, place.course)  # the rule is off: nothing yet
    take_quiz(place.org, place.learner, place.quiz, 95)
    AwardRule.objects.filter(achievement=achievement).update(enabled=True)
    assert credentials_for(place, achievement) == []

    barrier = threading.Barrier(2, timeout=20)
    original = services.credentials_issue

    def meeting_issue(**kwargs: Any) -> Any:
        barrier.wait()  # both evaluations decided to issue: both try at once
        return original(**kwargs)

    monkeypatch.setattr(services, "credentials_issue", meeting_issue)
    results: list[Any] = []
    errors: list[BaseException] = []

    def evaluate() -> None:
        try:
            results.append(
                services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
            )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=evaluate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(credentials_for(place, achievement)) == 1
    assert Award.objects.filter(achievement=achievement, user=place.learner).count() == 1
    assert timezone.now() >= Award.objects.get(achievement=achievement).earned_at
