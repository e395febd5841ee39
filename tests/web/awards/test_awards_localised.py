"""A French learner reads her goals with the achievements' French names, in the goal titles
and in the rule summaries (issue 16, item 3: names stay English where a translation exists)."""

from __future__ import annotations

import pytest
from awards_helpers import make_achievement, set_rule
from django.urls import reverse

from microcred.rules import AllOf, CourseCompleted, CredentialHeld, Within
from microcred_web.awards.localised_rules import localised_rule

pytestmark = pytest.mark.django_db


def _translated(achievement, name):
    achievement.translations = {"fr": {"name": name}}
    achievement.save(update_fields=["translations"])
    return achievement


def test_goals_in_french_use_the_translated_achievement_names(client, place) -> None:
    prerequisite = _translated(make_achievement(place.org, place.admin, "Forklift"), "Chariot")
    goal = _translated(make_achievement(place.org, place.admin, "Team lead"), "Chef d'équipe")
    rule = AllOf(
        (
            CredentialHeld(f"achievement:{prerequisite.public_id}", "Forklift"),
            CourseCompleted(f"course:{place.course.public_id}", "Safe lifting"),
        )
    )
    set_rule(place.org, goal, rule, place.admin)
    client.force_login(place.learner)
    url = reverse("awards:mine_partial", kwargs={"slug": place.org.slug})
    english = client.get(url).content.decode()
    assert "Team lead" in english and "‘Forklift’" in english

    client.cookies["django_language"] = "fr"
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Chef d&#x27;équipe" in french or "Chef d'équipe" in french
    assert "Chariot" in french and "Forklift" not in french


def test_relabelling_keeps_the_rule_and_reaches_leaves_under_a_time_limit(place) -> None:
    from django.utils import translation

    achievement = _translated(make_achievement(place.org, place.admin, "Forklift"), "Chariot")
    ref = f"achievement:{achievement.public_id}"
    rule = AllOf((Within(CredentialHeld(ref, "Forklift"), days=30),))
    with translation.override("fr"):
        french = localised_rule(rule)
    with translation.override("en"):
        assert localised_rule(rule) == rule
    (limited,) = french.children
    assert limited.child == CredentialHeld(ref, "Chariot") and limited.days == 30
