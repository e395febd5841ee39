"""“Not yet competent” needs the overall feedback the review form asks for (issue 16, item 4)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred_web.assessments import services
from microcred_web.assessments.models import AssessmentStatus
from microcred_web.common.errors import ApplicationError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submitted(world, portfolio):
    learner, assessor = world.people["learner"], world.people["assessor"]
    assessment = services.assessment_start(requirement=portfolio, learner=learner)
    services.evidence_file_add(
        assessment=assessment,
        actor=learner,
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): f"I did {c.title}" for c in portfolio.criteria.all()},
        links=[],
        make_public=False,
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    return assessment


def _lowest_levels(portfolio) -> dict[str, str]:
    return {
        str(c.public_id): str(next(iter(c.levels.all())).public_id)
        for c in portfolio.criteria.all()
    }


def test_not_yet_without_overall_feedback_is_refused_on_the_field(world, portfolio) -> None:
    assessment = _submitted(world, portfolio)
    criterion = portfolio.criteria.first()
    with pytest.raises(ApplicationError) as refused:
        services.assessment_review(
            assessment=assessment,
            actor=world.people["assessor"],
            decision="not_yet",
            levels=_lowest_levels(portfolio),
            feedback={str(criterion.public_id): "Show the lift plan."},
            comment="   ",
        )
    assert refused.value.field == "comment"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert not assessment.reviews.exists()


def test_the_review_form_shows_the_error_at_overall_feedback(client, world, portfolio) -> None:
    assessment = _submitted(world, portfolio)
    client.force_login(world.people["assessor"])
    url = reverse(
        "assessments:review", kwargs={"slug": world.org.slug, "assessment_id": assessment.pk}
    )
    form = {f"level-{k}": v for k, v in _lowest_levels(portfolio).items()}
    criterion = portfolio.criteria.first()
    response = client.post(
        url,
        {**form, f"feedback-{criterion.public_id}": "Show the plan.", "decision": "not_yet"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#comment"' in page
    assert 'id="comment" name="comment" rows="3" aria-invalid="true"' in page
    assert "Show the plan." in page  # what the assessor wrote is kept
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    done = client.post(url, {**form, "decision": "not_yet", "comment": "Add the lift plan."})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.NOT_YET
