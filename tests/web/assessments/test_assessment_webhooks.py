"""``assessment.submitted`` and ``assessment.decided`` reach the webhooks outbox."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred_web.assessments import services
from microcred_web.webhooks.models import Message
from microcred_web.webhooks.services import endpoint_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _payloads(event_type: str) -> list[dict]:
    rows = Message.objects.filter(event_type=event_type).order_by("id")
    return [json.loads(m.payload) for m in rows]


def test_submission_and_decision_are_announced(world, portfolio) -> None:
    endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url="https://93.184.215.14/hooks",  # a public address literal: nothing is sent here
        event_types=["assessment.submitted", "assessment.decided"],
    )
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
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    (submitted,) = _payloads("assessment.submitted")
    assert submitted["data"]["assessment"]["id"] == str(assessment.public_id)
    assert submitted["data"]["learner"]["email"] == learner.email
    assert not _payloads("assessment.decided")

    services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    levels = {str(c.public_id): str(c.levels.all()[0].public_id) for c in portfolio.criteria.all()}
    services.assessment_review(
        assessment=assessment,
        actor=assessor,
        decision="not_yet",
        levels=levels,
        feedback={},
        comment="Show the lift plan.",
    )
    (decided,) = _payloads("assessment.decided")
    assert decided["data"]["assessment"]["decision"] == "not_yet"
