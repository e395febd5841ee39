"""An assessor reviewing a resubmission sees what the learner changed: each reflection word by
word, links and files added or removed (issue 16, item 6)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred_web.assessments import services
from microcred_web.assessments.submission_diff import Piece, word_diff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_word_diff_keeps_the_words_that_stayed() -> None:
    assert word_diff("I lift with care.", "I lift with great care.") == [
        Piece("same", "I lift with "),
        Piece("ins", "great "),
        Piece("same", "care."),
    ]


def test_the_review_page_shows_what_changed_since_the_last_version(client, world, portfolio):
    learner, assessor = world.people["learner"], world.people["assessor"]
    first, second = portfolio.criteria.all()[:2]
    assessment = services.assessment_start(requirement=portfolio, learner=learner)
    services.evidence_file_add(assessment=assessment, actor=learner, upload=_pdf("plan.pdf"))
    reflections = {str(first.public_id): "I plan the lift.", str(second.public_id): "Gloves on."}
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections=reflections,
        links=[{"url": "https://example.org/old", "title": "Old video"}],
        make_public=False,
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    services.assessment_review(
        assessment=assessment,
        actor=assessor,
        decision="not_yet",
        levels={
            str(c.public_id): str(next(iter(c.levels.all())).public_id)
            for c in portfolio.criteria.all()
        },
        feedback={},
        comment="Show the route.",
    )
    services.evidence_file_add(assessment=assessment, actor=learner, upload=_pdf("route.pdf"))
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={**reflections, str(first.public_id): "I plan the lift and the route."},
        links=[{"url": "https://example.org/new", "title": "New video"}],
        make_public=False,
    )
    services.assessment_submit(assessment=assessment, actor=learner)

    client.force_login(assessor)
    url = reverse(
        "assessments:review", kwargs={"slug": world.org.slug, "assessment_id": assessment.pk}
    )
    html = client.get(url).content.decode()
    changes = html.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert "What changed from version 1 to version 2" in changes
    assert "I plan the <del>lift.</del><ins>lift and the route.</ins>" in changes
    assert first.title in changes and second.title not in changes  # unchanged text left out
    assert "<ins>added: New video</ins>" in changes and "<del>removed: Old video</del>" in changes
    assert "<ins>added: route.pdf</ins>" in changes and "plan.pdf" not in changes
