from __future__ import annotations

import re

import pytest

from microcred.rules.facts import COURSE_COMPLETED, QUIZ_COMPLETED
from microcred_web.common.errors import ApplicationError
from microcred_web.learning import progress, selectors, services
from microcred_web.learning.models import QuizAttempt
from microcred_web.learning.signals import learning_recorded

from .conftest import SECRET_ANSWER, answers_that_pass


def _open_quiz_page(client, setup, enrolment) -> tuple[str, QuizAttempt]:
    client.force_login(setup.learner)
    quiz_id = setup.quiz.public_id
    response = client.post(f"/o/acme/learning/my/{enrolment.pk}/quizzes/{quiz_id}/start/")
    assert response.status_code == 302
    html = client.get(response["Location"].split("#")[0]).content.decode()
    return html, QuizAttempt.objects.get(enrolment=enrolment, submitted_at__isnull=True)


def test_answers_are_not_in_the_page_before_submission(client, setup, enrol) -> None:
    enrolment = enrol()
    html, attempt = _open_quiz_page(client, setup, enrolment)
    assert "Submit answers" in html
    assert SECRET_ANSWER not in html
    assert "Feedback-after-submission-only" not in html
    assert not re.search(r"correct|data-right|data-answer", html, re.IGNORECASE)
    for question in attempt.questions:
        for choice in question["choices"]:
            assert choice["token"] in html  # choices are there, under opaque tokens
    # nothing else in the site gives the snapshot out to the learner
    for url in ("/o/acme/learning/my/", f"/o/acme/learning/my/{enrolment.pk}/?module=2"):
        assert SECRET_ANSWER not in client.get(url).content.decode()
    # after submitting, feedback appears
    client.post(
        f"/o/acme/learning/my/{enrolment.pk}/attempts/{attempt.pk}/submit/",
        {"q0": "wrong", "q1": "wrong", "q2": "wrong"},
    )
    after = client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=2").content.decode()
    assert "Not passed" in after and "Feedback-after-submission-only" in after


def test_choices_are_shuffled_per_attempt(setup) -> None:
    spec = setup.course.current_version.snapshot["quizzes"][str(setup.quiz.public_id)]
    first_texts = set()
    for _ in range(40):
        drawn = progress._draw(spec, "en")
        single = next(q for q in drawn if q["kind"] == "single")
        first_texts.add(single["choices"][0]["text"])
    assert len(first_texts) > 1


def test_scoring_each_kind_on_the_server(setup, enrol) -> None:
    quiz = setup.quiz
    services.question_create(
        quiz=quiz,
        actor=setup.admin,
        kind="multiple",
        values={
            "prompt": "Pick two",
            "choices": [
                {"text": "A", "correct": True},
                {"text": "B", "correct": True},
                {"text": "C"},
            ],
        },
    )
    services.question_create(
        quiz=quiz,
        actor=setup.admin,
        kind="ordering",
        values={
            "prompt": "Order",
            "choices": [{"text": "one"}, {"text": "two"}, {"text": "three"}],
        },
    )
    quiz.questions_per_attempt = 5
    quiz.max_attempts = 0
    quiz.save()
    services.course_publish(course=setup.course, actor=setup.admin)
    enrolment = enrol()
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=str(quiz.public_id), language="en"
    )
    answers = answers_that_pass(attempt)
    for index, question in enumerate(attempt.questions):
        if question["kind"] == "short":
            answers[f"q{index}"] = "  PLATYPUS-underwater-7 "  # case and spaces ignored
    done = progress.quiz_attempt_submit(attempt=attempt, answers=answers)
    assert done.score == 100.0 and done.passed
    assert all(mark["correct"] for mark in done.marks.values())


def test_wrong_answers_fail_and_an_attempt_is_submitted_once(setup, enrol) -> None:
    enrolment = enrol()
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
    )
    answers = answers_that_pass(attempt)
    wrong = next(i for i, q in enumerate(attempt.questions) if q["kind"] == "single")
    answers[f"q{wrong}"] = "not-a-token"
    result = progress.quiz_attempt_submit(attempt=attempt, answers=answers)
    assert result.score == pytest.approx(66.7) and not result.passed
    with pytest.raises(ApplicationError) as error:
        progress.quiz_attempt_submit(attempt=attempt, answers=answers_that_pass(attempt))
    assert error.value.code == "submitted"
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(66.7)


def test_attempts_limit(setup, enrol) -> None:
    enrolment = enrol()
    for _ in range(2):
        attempt = progress.quiz_attempt_start(
            enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
        )
        progress.quiz_attempt_submit(attempt=attempt, answers={})
    with pytest.raises(ApplicationError) as error:
        progress.quiz_attempt_start(
            enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
        )
    assert error.value.code == "attempts"


def test_passing_completes_the_course_with_facts_and_a_signal(
    setup, enrol, django_capture_on_commit_callbacks
) -> None:
    received = []

    def listener(sender, organisation, user_ids, **kwargs):
        received.append((organisation.pk, user_ids))

    learning_recorded.connect(listener)
    try:
        enrolment = enrol()
        with django_capture_on_commit_callbacks(execute=True):
            for module in setup.course.current_version.snapshot["modules"]:
                progress.module_complete(enrolment=enrolment, module_key=module["key"])
            attempt = progress.quiz_attempt_start(
                enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
            )
            progress.quiz_attempt_submit(attempt=attempt, answers=answers_that_pass(attempt))
    finally:
        learning_recorded.disconnect(listener)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert (setup.org.pk, [setup.learner.pk]) in received
    facts = selectors.learning_facts(organisation=setup.org, user_ids=[setup.learner.pk])
    kinds = sorted(f.kind for f in facts[setup.learner.pk])
    assert kinds == [COURSE_COMPLETED, QUIZ_COMPLETED]
    course_fact = next(f for f in facts[setup.learner.pk] if f.kind == COURSE_COMPLETED)
    assert course_fact.ref == f"course:{setup.course.public_id}"
    assert course_fact.credits == 2.5
    quiz_fact = next(f for f in facts[setup.learner.pk] if f.kind == QUIZ_COMPLETED)
    assert quiz_fact.ref == f"quiz:{setup.quiz.public_id}" and quiz_fact.score == 100.0


def test_learning_facts_is_a_single_query_for_many_users(
    setup, enrol, make_member, django_assert_num_queries
) -> None:
    for n in range(5):
        user = make_member(setup.org, "learner", email=f"l{n}@acme.example")
        enrolment = enrol(user)
        attempt = progress.quiz_attempt_start(
            enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
        )
        progress.quiz_attempt_submit(attempt=attempt, answers={})
    with django_assert_num_queries(1):
        facts = selectors.learning_facts(organisation=setup.org)
    assert len(facts) == 5
    assert all(f[0].score == 0.0 for f in facts.values())


def test_learning_choices_lists_published_items_only(setup) -> None:
    from .conftest import build_course

    build_course(setup.org, setup.admin, publish=False)
    choices = selectors.learning_choices(organisation=setup.org)
    assert [c.ref for c in choices["courses"]] == [f"course:{setup.course.public_id}"]
    assert choices["courses"][0].credits == 2.5
    assert [c.ref for c in choices["quizzes"]] == [f"quiz:{setup.quiz.public_id}"]
