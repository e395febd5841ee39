"""Assessed results as evidence (issue 17 items 2–3): rubric criteria and quiz questions
aligned to skills; an accepted assessment or a passed quiz writes *assessed result* rows in
the background task — weaker than a verified credential, stronger than a manager rating."""

from __future__ import annotations

import pytest
from skills_assessed_helpers import accept, quiz_course, rubric_requirement, take_quiz
from skills_helpers import VALUES

from microcred.skills import EvidenceKind
from microcred_web.achievements import services as achievement_services
from microcred_web.assessments.models import Criterion
from microcred_web.common.errors import ApplicationError
from microcred_web.skills import (
    endorsements,
    evidence,
    learning_alignments,
    selectors,
    skill_credentials,
)
from microcred_web.skills.models import SkillEvidence


def _unaligned(world):
    admin = world.people["admin"]
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=admin, values={**VALUES, "name": "Forklift portfolio"}
    )
    achievement_services.achievement_publish(achievement=achievement, actor=admin)
    return achievement


def _align(world, kind, obj, rows, capture):
    target = learning_alignments.target_get(organisation=world.org, kind=kind, object_id=obj.pk)
    with capture(execute=True):
        return learning_alignments.learning_alignment_set(
            organisation=world.org, actor=world.people["admin"], target=target, rows=rows
        )


def _state(world, user, skill):
    lines = selectors.profile_lines(organisation=world.org, user=user)
    return next((line.state for line in lines if line.skill.pk == skill.pk), None)


def test_accepted_rubric_criterion_writes_assessed_evidence(
    skills, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    uses = Criterion.objects.get(requirement=requirement, title="Uses the equipment")
    capture = django_capture_on_commit_callbacks
    _align(world, "criterion", plans, [(skills.stock.pk, 3)], capture)
    _align(world, "criterion", uses, [(skills.forklift.pk, 3)], capture)

    assessment = accept(
        world,
        requirement,
        learner,
        {"Plans the lift": "Expert", "Uses the equipment": "Competent"},
        capture,
    )
    rows = list(SkillEvidence.objects.filter(user=learner, kind=EvidenceKind.ASSESSED_RESULT))
    by_skill = {row.skill_id: row for row in rows}
    assert by_skill[skills.stock.pk].level == 3  # top of the rubric: the aligned level
    assert by_skill[skills.forklift.pk].level == 2  # 2 of 3 points: ceil(3 × 2/3)
    stock = by_skill[skills.stock.pk]
    assert stock.source == f"assessment:{assessment.public_id}:{plans.public_id}"
    assert "Plans the lift" in stock.note and "(Expert)" in stock.note
    assert "assessor@acme.example" in stock.note or "Test Person" in stock.note
    assert assessment.accepted_at.date().isoformat() in stock.note

    state = _state(world, learner, skills.stock)
    assert state.held and state.level == 3
    assert state.kind == EvidenceKind.ASSESSED_RESULT and not state.verified

    # idempotent: the task, or a whole sync, adds nothing the second time
    assert evidence.evidence_sync_person(organisation=world.org, user=learner) == 0


def test_not_met_criterion_and_not_yet_write_nothing(skills, django_capture_on_commit_callbacks):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    _align(world, "criterion", plans, [(skills.stock.pk, 3)], django_capture_on_commit_callbacks)
    accept(
        world,
        requirement,
        learner,
        {"Plans the lift": "Not yet"},
        django_capture_on_commit_callbacks,
    )
    assert not SkillEvidence.objects.filter(user=learner, skill=skills.stock).exists()


def test_assessed_ranks_between_credential_and_rating(
    skills, issue_to, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    _align(world, "criterion", plans, [(skills.forklift.pk, 4)], django_capture_on_commit_callbacks)
    endorsements.manager_rate(
        organisation=world.org,
        manager=world.people["manager"],
        person=learner,
        skill=skills.forklift,
        level=5,
    )
    assert _state(world, learner, skills.forklift).kind == EvidenceKind.RATING
    accept(
        world,
        requirement,
        learner,
        {"Plans the lift": "Expert"},
        django_capture_on_commit_callbacks,
    )
    state = _state(world, learner, skills.forklift)
    assert (state.kind, state.level) == (EvidenceKind.ASSESSED_RESULT, 4)  # not the rating's 5
    issue_to(skills.achievement, learner)  # forklift at level 3, verified
    state = _state(world, learner, skills.forklift)
    assert (state.kind, state.level, state.verified) == (EvidenceKind.VERIFIED_CREDENTIAL, 3, True)


def test_skill_credential_claim_offers_criterion_skills(skills, django_capture_on_commit_callbacks):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    _align(world, "criterion", plans, [(skills.stock.pk, 3)], django_capture_on_commit_callbacks)
    accept(
        world,
        requirement,
        learner,
        {"Plans the lift": "Competent"},
        django_capture_on_commit_callbacks,
    )
    [assessed] = skill_credentials.assessed_skills(organisation=world.org, user=learner)
    assert (assessed.skill, assessed.level) == (skills.stock, 2)


def test_passed_quiz_with_eighty_percent_of_a_skills_questions(
    skills, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    capture = django_capture_on_commit_callbacks
    course, quiz = quiz_course(world)
    questions = {q.prompt: q for q in quiz.questions.all()}
    for prompt in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        _align(world, "question", questions[prompt], [(skills.stock.pk, 2)], capture)
    _align(
        world, "question", questions["Q5"], [(skills.stock.pk, 2), (skills.forklift.pk, 2)], capture
    )

    failed = take_quiz(world, course, quiz, learner, {"Q1", "Q2", "Q3"}, capture)
    assert not failed.passed
    assert not SkillEvidence.objects.filter(user=learner).exists()

    passed = take_quiz(world, course, quiz, learner, {"Q5"}, capture)  # 4 of 5 stock: 80 %
    assert passed.passed
    rows = SkillEvidence.objects.filter(user=learner, kind=EvidenceKind.ASSESSED_RESULT)
    assert {(r.skill_id, r.level, r.source) for r in rows} == {
        (skills.stock.pk, 2, f"quiz:{quiz.public_id}")
    }  # forklift's only question was wrong
    assert "Stock check" in rows[0].note
    assert evidence.evidence_sync_person(organisation=world.org, user=learner) == 0


def test_alignment_refuses_other_organisations_objects_and_bad_levels(
    skills, django_capture_on_commit_callbacks
):
    world = skills.world
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    assert (
        learning_alignments.target_get(
            organisation=world.other, kind="criterion", object_id=plans.pk
        )
        is None
    )
    assert learning_alignments.target_get(organisation=world.org, kind="nope", object_id=1) is None
    with pytest.raises(ApplicationError) as error:
        _align(
            world, "criterion", plans, [(skills.stock.pk, 9)], django_capture_on_commit_callbacks
        )
    assert error.value.field == "alignments[0]"


def test_profile_page_marks_the_skill_assessed_with_its_trail(
    skills, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    capture = django_capture_on_commit_callbacks
    _align(world, "criterion", plans, [(skills.stock.pk, 3)], capture)
    accept(world, requirement, learner, {"Plans the lift": "Expert"}, capture)
    client.force_login(learner)
    html = client.get(reverse("skills:mine", kwargs={"slug": world.org.slug})).content.decode()
    row = html[html.index(f'data-skill="{skills.stock.uri}"') :]
    row = row[: row.index("</details>")]
    assert "assessed-mark" in row and "Assessment result" in row
    assert "criterion “Plans the lift” (Expert)" in row and "Forklift portfolio" in row


def test_removing_the_criterion_alignment_withdraws_the_assessed_skill(
    skills, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, _unaligned(world))
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    capture = django_capture_on_commit_callbacks
    _align(world, "criterion", plans, [(skills.stock.pk, 3)], capture)
    accept(world, requirement, learner, {"Plans the lift": "Expert"}, capture)
    assert _state(world, learner, skills.stock).held
    _align(world, "criterion", plans, [], capture)  # the organisation is re-synced
    assert _state(world, learner, skills.stock) is None
    states = list(
        SkillEvidence.objects.filter(user=learner, skill=skills.stock)
        .order_by("id")
        .values_list("state", flat=True)
    )
    assert states == ["active", "suspended"]  # appended, never edited; re-aligning restores it
