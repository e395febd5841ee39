"""Assessed results as evidence (issue 17 item 3, ADR 0024 addendum): accepted assessments and
passed quizzes append *assessed result* rows — weaker than a verified credential, stronger
than a rating.

Sources, one per thing that proves the skill:
- ``assessment:<assessment uuid>``: the skills aligned to the assessed achievement, at their
  alignment level (what a skill credential is claimed for, :mod:`skill_credentials`);
- ``assessment:<assessment uuid>:<criterion uuid>``: a rubric criterion aligned to a skill and
  met in the accepting review, at the level :func:`microcred.skills.assessed.rubric_level` gives;
- ``quiz:<quiz uuid>``: the passed attempts' skills (:func:`microcred.skills.assessed.quiz_levels`).

:func:`evidence_sync_assessed` compares them with the latest rows (as for credentials):
running it twice adds nothing; a source that no longer proves a skill is withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.skills import EvidenceKind, SourceState
from microcred.skills.assessed import QUIZ_SHARE, AnsweredQuestion, quiz_levels, rubric_level
from microcred_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    Level,
    Review,
)
from microcred_web.learning.models import QuizAttempt
from microcred_web.orgs.models import Organisation
from microcred_web.skills.evidence import Claim, _append
from microcred_web.skills.models import (
    Alignment,
    CriterionAlignment,
    QuestionAlignment,
    SkillEvidence,
)

PREFIXES = ("assessment:", "quiz:")


@dataclass(frozen=True)
class AssessedClaim:
    """A skill an accepted assessment proved (``assessment``) or a passed quiz showed."""

    source: str
    skill_id: int
    level: int
    observed_at: datetime
    note: str
    assessment: Assessment | None = None

    def as_claim(self) -> Claim:
        return Claim(
            self.skill_id, self.level, SourceState.ACTIVE, self.observed_at, None, False, self.note
        )


def _person(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "email", "") or "?")


def _accepting_review(assessment: Assessment) -> Review | None:
    reviews = [r for r in assessment.reviews.all() if r.decision == Decision.COMPETENT]
    with_levels = [r for r in reviews if r.levels]
    chosen = with_levels or reviews
    return chosen[-1] if chosen else None


def _criterion_claims(
    assessment: Assessment, review: Review | None, rows: list[CriterionAlignment], head: str
) -> list[AssessedClaim]:
    chosen = review.levels if review is not None else {}
    levels = {
        str(lv.public_id): lv
        for lv in Level.objects.filter(criterion__in=[r.criterion for r in rows])
    }
    out = []
    for row in rows:
        criterion = row.criterion
        options = [lv for lv in levels.values() if lv.criterion_id == criterion.pk]
        picked = chosen.get(str(criterion.public_id))
        reached = levels.get(str(picked)) if picked else None
        if picked == "not_met" or (options and reached is None):
            continue
        points = reached.points if reached is not None else None
        best = max((lv.points for lv in options), default=None) if options else None
        level = rubric_level(row.level, points=points, best_points=best)
        if level is None:
            continue
        shown = f" ({reached.title})" if reached is not None else ""
        out.append(
            AssessedClaim(
                f"assessment:{assessment.public_id}:{criterion.public_id}",
                row.skill_id,
                level,
                assessment.accepted_at or assessment.updated_at,
                f"{head} — {_('criterion')} “{criterion.title}”{shown}",
                assessment,
            )
        )
    return out


def assessment_claims(*, organisation: Organisation, user_id: int) -> list[AssessedClaim]:
    """What the person's accepted assessments prove: the assessed achievement's skills and the
    skills of the criteria met."""
    accepted = list(
        Assessment.objects.filter(
            organisation=organisation, learner_id=user_id, status=AssessmentStatus.ACCEPTED
        )
        .select_related("requirement", "assessor")
        .prefetch_related("reviews__reviewer")
        .order_by("accepted_at", "pk")
    )
    requirement_ids = {a.requirement_id for a in accepted}
    by_achievement: dict[int, list[Alignment]] = defaultdict(list)
    for row in Alignment.objects.filter(
        organisation=organisation,
        achievement_id__in={a.requirement.achievement_id for a in accepted},
    ):
        by_achievement[row.achievement_id].append(row)
    by_requirement: dict[int, list[CriterionAlignment]] = defaultdict(list)
    for crow in CriterionAlignment.objects.filter(
        organisation=organisation, criterion__requirement_id__in=requirement_ids
    ).select_related("criterion"):
        by_requirement[crow.criterion.requirement_id].append(crow)
    out: list[AssessedClaim] = []
    for assessment in accepted:
        review = _accepting_review(assessment)
        assessor = review.reviewer if review and review.reviewer else assessment.assessor
        when = assessment.accepted_at or assessment.updated_at
        head = _("Assessed by %(assessor)s on %(date)s: %(requirement)s") % {
            "assessor": _person(assessor) if assessor else _("an assessor"),
            "date": when.date().isoformat(),
            "requirement": assessment.requirement.title,
        }
        for row in by_achievement.get(assessment.requirement.achievement_id, []):
            source = f"assessment:{assessment.public_id}"
            out.append(AssessedClaim(source, row.skill_id, row.level, when, head, assessment))
        out += _criterion_claims(
            assessment, review, by_requirement.get(assessment.requirement_id, []), head
        )
    return out


def quiz_claims(*, organisation: Organisation, user_id: int) -> list[AssessedClaim]:
    """The skills the person's passed quiz attempts show (the 80 % rule per skill)."""
    attempts = list(
        QuizAttempt.objects.filter(
            user_id=user_id,
            passed=True,
            submitted_at__isnull=False,
            enrolment__organisation=organisation,
        )
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    )
    aligned: dict[tuple[int, str], list[tuple[str, int]]] = defaultdict(list)
    for row in QuestionAlignment.objects.filter(
        organisation=organisation, question__quiz_id__in={a.quiz_id for a in attempts}
    ).select_related("question"):
        aligned[(row.question.quiz_id, row.question.key)].append((str(row.skill_id), row.level))
    best: dict[tuple[str, int], AssessedClaim] = {}
    for attempt in attempts:
        answers = [
            AnsweredQuestion(
                tuple(aligned.get((attempt.quiz_id, str(question.get("key"))), [])),
                bool((attempt.marks or {}).get(f"q{index}", {}).get("correct")),
            )
            for index, question in enumerate(attempt.questions or [])
        ]
        note = _(
            "Quiz “%(quiz)s” passed with %(score)s %% on %(date)s (at least %(share)d %% of "
            "this skill's questions right)"
        ) % {
            "quiz": attempt.quiz.title,
            "score": f"{attempt.score:g}" if attempt.score is not None else "?",
            "date": attempt.submitted_at.date().isoformat() if attempt.submitted_at else "",
            "share": round(QUIZ_SHARE * 100),
        }
        source = f"quiz:{attempt.quiz.public_id}"
        for skill, level in quiz_levels(answers, passed=True).items():
            known = best.get((source, int(skill)))
            if known is None or level >= known.level:
                when = attempt.submitted_at or attempt.started_at
                best[(source, int(skill))] = AssessedClaim(source, int(skill), level, when, note)
    return list(best.values())


@transaction.atomic
def evidence_sync_assessed(*, organisation: Organisation, user_id: int) -> int:
    """Bring the person's assessed-result rows up to date; returns rows added."""
    by_source: dict[str, list[Claim]] = defaultdict(list)
    claims = assessment_claims(organisation=organisation, user_id=user_id)
    claims += quiz_claims(organisation=organisation, user_id=user_id)
    for claim in claims:
        by_source[claim.source].append(claim.as_claim())
    known = set(
        SkillEvidence.objects.filter(
            organisation=organisation, user_id=user_id, kind=EvidenceKind.ASSESSED_RESULT
        )
        .values_list("source", flat=True)
        .distinct()
    )
    added = 0
    for source in sorted(known | set(by_source)):
        if source.startswith(PREFIXES):
            added += _append(
                organisation,
                user_id,
                source,
                by_source.get(source, []),
                EvidenceKind.ASSESSED_RESULT,
            )
    return added


__all__ = [
    "AssessedClaim",
    "assessment_claims",
    "evidence_sync_assessed",
    "quiz_claims",
]
