"""Assessed results as evidence: rubric levels and the quiz rule (issue 17 item 3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills.assessed import AnsweredQuestion, quiz_levels, rubric_level


def test_rubric_level_follows_the_points_reached():
    assert rubric_level(3, points=None, best_points=None) == 3  # no rubric levels: met
    assert rubric_level(3, points=4, best_points=4) == 3
    assert rubric_level(3, points=2, best_points=4) == 2
    assert rubric_level(4, points=1, best_points=4) == 1
    assert rubric_level(3, points=0, best_points=4) is None  # not met


@given(st.integers(1, 8), st.integers(1, 20), st.integers(0, 20))
def test_rubric_level_is_monotonic_and_bounded(aligned, best, points):
    points = min(points, best)
    level = rubric_level(aligned, points=points, best_points=best)
    if points == 0:
        assert level is None
        return
    assert level is not None and 1 <= level <= aligned
    more = rubric_level(aligned, points=min(points + 1, best), best_points=best)
    assert more is not None and more >= level


def q(correct, *skills):
    return AnsweredQuestion(tuple(skills), correct)


def test_quiz_needs_a_pass_and_eighty_percent_of_a_skills_questions():
    answers = [q(True, ("stock", 2)), q(True, ("stock", 3)), q(True, ("stock", 2))]
    answers += [q(True, ("stock", 2)), q(False, ("stock", 2))]  # 4 of 5 right: 80 %
    answers += [q(True, ("plan", 2)), q(False, ("plan", 2))]  # 1 of 2: not enough
    assert quiz_levels(answers, passed=True) == {"stock": 3}
    assert quiz_levels(answers, passed=False) == {}


def test_quiz_level_is_the_best_correctly_answered():
    answers = [q(True, ("stock", 2), ("plan", 1)), q(False, ("stock", 4)), q(True, ("stock", 2))]
    answers += [q(True, ("stock", 2)), q(True, ("stock", 2))]
    assert quiz_levels(answers, passed=True) == {"stock": 2, "plan": 1}
