"""Rule builder, preview, goals and team pages."""

from __future__ import annotations

from typing import Any

import pytest
from awards_helpers import complete_course, make_achievement, set_rule, take_quiz
from django.urls import reverse

from microcred.rules import AllOf, CourseCompleted, QuizPassed
from microcred_web.awards.models import AwardRule

pytestmark = pytest.mark.django_db


def edit(client: Any, place: Any, achievement: Any, **data: Any) -> Any:
    url = reverse("awards:edit", kwargs={"slug": place.org.slug, "achievement_id": achievement.pk})
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_builder_builds_a_rule_from_dropdowns_without_json(client, place) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    client.force_login(place.admin)
    page = client.get(
        reverse("awards:builder", kwargs={"slug": place.org.slug, "achievement_id": achievement.pk})
    )
    assert page.status_code == 200
    assert f'value="course:{place.course.public_id}"' in page.content.decode()

    course_ref = f"course:{place.course.public_id}"
    quiz_ref = f"quiz:{place.quiz.public_id}"
    assert (
        edit(client, place, achievement, action="add", path="", condition=course_ref).status_code
        == 200
    )
    response = edit(
        client, place, achievement, action="add", path="", condition=quiz_ref, min_score="80"
    )
    body = response.content.decode()
    assert (
        "Complete all of: ‘Safe lifting’ and ‘Forklift quiz (Safe lifting)’ with at least 80%"
        in body
    )
    rule = AwardRule.objects.get(achievement=achievement).rule
    assert rule == AllOf(
        (
            CourseCompleted(course_ref, "Safe lifting"),
            QuizPassed(quiz_ref, "Forklift quiz (Safe lifting)", 80),
        )
    )
    # group settings: at least 3 of 2 is refused with the reason, nothing changes
    refused = edit(client, place, achievement, action="group", path="", kind="at_least", number="3")
    assert refused.status_code == 400 and "choose from 1 to 2" in refused.content.decode()
    assert AwardRule.objects.get(achievement=achievement).rule == rule
    edit(client, place, achievement, action="group", path="", kind="any_of", number="", days="30")
    assert AwardRule.objects.get(achievement=achievement).rule_json["rule"]["days"] == 30
    summary = edit(client, place, achievement, action="down", path="0").content.decode()
    assert (
        "Complete one of: ‘Forklift quiz (Safe lifting)’ with at least 80% or ‘Safe lifting’"
        " within 30 days" in summary
    )
    edit(client, place, achievement, action="remove", path="1")
    assert AwardRule.objects.get(achievement=achievement).rule_json["rule"]["child"][
        "children"
    ] == [
        {
            "type": "quiz_passed",
            "ref": quiz_ref,
            "label": "Forklift quiz (Safe lifting)",
            "min_score": 80.0,
        }
    ]
    forged = edit(client, place, achievement, action="add", path="", condition="course:not-ours")
    assert (
        forged.status_code == 400
        and "Choose a course, quiz, assessment or credential" in forged.content.decode()
    )


def test_enable_and_preview_who_would_qualify(client, place, world) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    course_ref = f"course:{place.course.public_id}"
    client.force_login(place.admin)
    edit(client, place, achievement, action="add", path="", condition=course_ref)
    complete_course(place.org, place.learner, place.course)
    preview = client.get(
        reverse("awards:preview", kwargs={"slug": place.org.slug, "achievement_id": achievement.pk})
    ).content.decode()
    assert "1 person would qualify now" in preview
    assert "Complete the course ‘Safe lifting’" in preview  # what the others still miss
    enable = reverse(
        "awards:enable", kwargs={"slug": place.org.slug, "achievement_id": achievement.pk}
    )
    client.post(enable, {"enabled": "1"})
    assert AwardRule.objects.get(achievement=achievement).enabled


def test_goals_show_progress_missing_items_and_the_earned_credential(client, place) -> None:
    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    rule = AllOf(
        (
            CourseCompleted(f"course:{place.course.public_id}", "Safe lifting"),
            QuizPassed(f"quiz:{place.quiz.public_id}", "Forklift quiz", 80),
        )
    )
    set_rule(place.org, achievement, rule, place.admin)
    complete_course(place.org, place.learner, place.course)
    take_quiz(place.org, place.learner, place.quiz, 65)
    client.force_login(place.learner)
    page = client.get(reverse("awards:mine", kwargs={"slug": place.org.slug})).content.decode()
    assert "Safe lifter" in page
    assert "Score at least 80% in ‘Forklift quiz’ (best so far 65%)" in page
    assert 'value="50"' in page  # half done
    partial = client.get(reverse("awards:mine_partial", kwargs={"slug": place.org.slug}))
    assert "<html" not in partial.content.decode() and "Safe lifter" in partial.content.decode()

    client.force_login(place.manager)
    team = client.get(reverse("awards:team", kwargs={"slug": place.org.slug})).content.decode()
    assert place.learner.email in team or place.learner.get_full_name() in team
    assert "50%" in team


def test_a_new_credential_is_highlighted_once_on_my_learning(client, place) -> None:
    from microcred_web.awards import services
    from microcred_web.awards.models import Award

    achievement = make_achievement(place.org, place.admin, "Safe lifter")
    set_rule(
        place.org,
        achievement,
        CourseCompleted(f"course:{place.course.public_id}", "Safe lifting"),
        place.admin,
    )
    complete_course(place.org, place.learner, place.course)
    services.awards_evaluate(organisation=place.org, user_ids=[place.learner.pk])
    assert Award.objects.get(user=place.learner).seen_at is None
    client.force_login(place.learner)
    slug = place.org.slug
    mine = client.get(reverse("learning:mine", kwargs={"slug": slug})).content.decode()
    assert f'hx-get="{reverse("awards:mine_partial", kwargs={"slug": slug})}"' in mine

    first = client.get(reverse("awards:mine_partial", kwargs={"slug": slug})).content.decode()
    assert "New credential" in first and "View your credential" in first
    assert Award.objects.get(user=place.learner).seen_at is not None
    again = client.get(reverse("awards:mine_partial", kwargs={"slug": slug})).content.decode()
    assert "New credential" not in again and "Earned" in again


def test_learners_and_managers_reach_goals_from_one_navigation(client, place) -> None:
    slug = place.org.slug
    client.force_login(place.learner)
    goals = client.get(reverse("awards:mine", kwargs={"slug": slug})).content.decode()
    nav = goals.split('aria-label="Sections"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-current="page">My learning<' in nav and "goals" not in nav

    client.force_login(place.manager)
    team = client.get(reverse("learning:team", kwargs={"slug": slug})).content.decode()
    assert f'href="{reverse("awards:team", kwargs={"slug": slug})}"' in team
    page = client.get(reverse("awards:team", kwargs={"slug": slug})).content.decode()
    nav = page.split('aria-label="Sections"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-current="page">My team<' in nav
