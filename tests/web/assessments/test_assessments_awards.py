"""An accepted assessment is a fact for award rules: with a rule, the award issues (once, with
the assessment's result and evidence) and the direct path stays out of the way."""

from __future__ import annotations

from microcred.rules import AllOf, AssessmentAccepted
from microcred_web.assessments import selectors, services
from microcred_web.awards.models import Award
from microcred_web.awards.selectors import builder_choices
from microcred_web.awards.services import award_rule_save
from microcred_web.issuing.models import Credential


def _levels(requirement, index: int) -> dict[str, str]:
    return {
        str(c.public_id): str(list(c.levels.all())[index].public_id)
        for c in requirement.criteria.all()
    }


def _accepted(world, requirement):
    learner, assessor = world.people["learner"], world.people["assessor"]
    assessment = services.assessment_start(requirement=requirement, learner=learner)
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): f"I did {c.title}" for c in requirement.criteria.all()},
        links=[{"url": "https://example.org/video", "title": "Video"}],
        make_public=True,
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    services.assessment_review(
        assessment=assessment,
        actor=assessor,
        decision="competent",
        levels=_levels(requirement, 2),
        feedback={},
    )
    return assessment


def test_the_rule_builder_offers_assessments(world, achievement, portfolio) -> None:
    other = achievement.__class__.objects.exclude(pk=achievement.pk).first() or achievement
    choices = builder_choices(organisation=world.org, achievement=other)
    assert [c.ref for c in choices["assessments"]] == [
        c.ref for c in selectors.assessment_choices(organisation=world.org)
    ]
    assert any(portfolio.title in c.label for c in choices["assessments"])


def test_an_award_rule_issues_from_the_accepted_assessment_once(
    world, achievement, portfolio, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    ref = f"assessment:{portfolio.public_id}"
    award_rule_save(
        organisation=world.org,
        achievement=achievement,
        rule=AllOf((AssessmentAccepted(ref, portfolio.title),)),
        actor=world.people["admin"],
        enabled=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _accepted(world, portfolio)
    # the rule decided: no direct-path credential, one award credential
    assert not Credential.objects.filter(source_key__startswith="assessment:").exists()
    award = Award.objects.get(achievement=achievement, user=learner)
    credential = Credential.objects.get(pk=award.credential_id)
    assert credential.source_key == f"award:{achievement.pk}:{learner.pk}"
    document = credential.document
    assert document["evidence"][0]["id"].endswith(f"/evidence/{assessment.public_id}/")
    assert document["credentialSubject"]["result"]
    assert services.assessment_issue_if_direct(assessment=assessment) is None
    assert Credential.objects.filter(achievement_version__achievement=achievement).count() == 1
