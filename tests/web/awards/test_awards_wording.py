"""Award-rule texts from the pure core follow the learner's language."""

from __future__ import annotations

import pytest
from awards_helpers import complete_course, make_achievement, set_rule, take_quiz
from django.urls import reverse
from django.utils import translation

from microcred.rules import ENGLISH, AllOf, CourseCompleted, QuizPassed
from microcred_web.awards.wording import rule_wording, translated_wording

pytestmark = pytest.mark.django_db


def test_the_gettext_table_in_english_is_the_cores_own_wording() -> None:
    # keeps the msgids in awards/wording.py in step with the core's English defaults
    with translation.override("en"):
        assert translated_wording() == ENGLISH
        assert rule_wording() is ENGLISH


def test_a_french_learner_sees_the_rule_summary_and_what_is_missing_in_french(
    client, place
) -> None:
    achievement = make_achievement(place.org, place.admin, "Cariste confirmé")
    rule = AllOf(
        (
            CourseCompleted(f"course:{place.course.public_id}", "Safe lifting"),
            QuizPassed(f"quiz:{place.quiz.public_id}", "Forklift quiz", 80.5),
        )
    )
    set_rule(place.org, achievement, rule, place.admin)
    complete_course(place.org, place.learner, place.course)
    take_quiz(place.org, place.learner, place.quiz, 65)
    place.learner.preferred_language = "fr"
    place.learner.save(update_fields=["preferred_language"])
    client.force_login(place.learner)

    page = client.get(reverse("awards:mine", kwargs={"slug": place.org.slug})).content.decode()

    assert "Terminer tout ceci : « Safe lifting » et « Forklift quiz » avec au moins 80,5 %" in page
    assert (
        "Obtenir au moins 80,5 % au quiz « Forklift quiz » (meilleur score jusqu’ici : 65 %)"
        in page
    )
    assert "Cours « Safe lifting » terminé" in page  # the explanation of what counts so far
    assert "Tout ceci : 1 sur 2 fait(s)" in page
    assert "Score at least" not in page and "Complete all of" not in page

    # the same rule for an English learner is worded as before
    place.learner.preferred_language = "en"
    place.learner.save(update_fields=["preferred_language"])
    english = client.get(reverse("awards:mine", kwargs={"slug": place.org.slug})).content.decode()
    assert "Score at least 80.5% in ‘Forklift quiz’ (best so far 65%)" in english
