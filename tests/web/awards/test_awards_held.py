"""A person who already holds an active credential of an achievement is not issued a second one
by an award rule, and their goals page shows the goal as done (issue 16, item 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from awards_helpers import complete_course, make_achievement, set_rule, take_quiz
from django.urls import reverse
from django.utils import timezone

from microcred.rules import AllOf, CourseCompleted, QuizPassed
from microcred_web.awards import services
from microcred_web.awards.models import Award
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput


def course_and_quiz(place: Any) -> AllOf:
    return AllOf(
        (
            CourseCompleted(f"course:{place.course.public_id}", place.course.title),
            QuizPassed(f"quiz:{place.quiz.public_id}", place.quiz.title, 80),
        )
    )


def hand_issue(place: Any, achievement: Any) -> Credential:
    [credential] = issuing.credentials_issue(
        organisation=place.org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email=place.learner.email.upper(), name="Lee")],
        actor=place.admin,
        source="ui",
    )
    return credential


def held(place: Any, achievement: Any) -> list[Credential]:
    return list(
        Credential.objects.filter(
            organisation=place.org, achievement_version__achievement=achievement
        ).order_by("pk")
    )


@pytest.mark.django_db
def test_an_award_rule_does_not_issue_a_second_active_credential(client, place) -> None:
    achievement = make_achievement(place.org, place.admin, "Warehouse Team Lead")
    set_rule(place.org, achievement, course_and_quiz(place), place.admin)
    existing = hand_issue(place, achievement)

    # before the rule is met, the goals page shows the goal as done, not "Still to do"
    complete_course(place.org, place.learner, place.course)
    client.force_login(place.learner)
    page = client.get(reverse("awards:mine", kwargs={"slug": place.org.slug})).content.decode()
    goal = page.split("Warehouse Team Lead", 1)[1]
    assert "Still to do" not in goal
    assert "Earned" in goal and str(existing.public_id) in goal
    assert 'value="100"' in goal

    take_quiz(place.org, place.learner, place.quiz, 90)
    services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
    assert held(place, achievement) == [existing]
    award = Award.objects.get(achievement=achievement, user=place.learner)
    assert award.credential == existing
    assert award.seen_at is not None  # already held: not shown as a "New credential"


@pytest.mark.django_db
def test_a_revoked_or_expired_credential_does_not_count_as_held(place) -> None:
    achievement = make_achievement(place.org, place.admin, "Warehouse Team Lead")
    first = hand_issue(place, achievement)
    issuing.credential_revoke(credential=first, actor=place.admin, reason="issued in error")
    award = services.award_issue(
        organisation=place.org,
        achievement=achievement,
        user=place.learner,
        earned_at=timezone.now(),
    )
    assert award.credential is not None and award.credential != first
    assert len(held(place, achievement)) == 2

    other = make_achievement(place.org, place.admin, "Forklift driver")
    lapsed = hand_issue(place, other)
    Credential.objects.filter(pk=lapsed.pk).update(valid_until=timezone.now() - timedelta(days=1))
    renewed = services.award_issue(
        organisation=place.org, achievement=other, user=place.learner, earned_at=timezone.now()
    )
    assert renewed.credential is not None and renewed.credential != lapsed
