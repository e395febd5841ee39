"""The OB 3.0 pieces assessments put into credentials: ``resultDescription`` (the rubric, in
the achievement) and ``result`` + ``evidence`` (in the credential subject / credential)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from microcred_web.assessments.models import (
    Assessment,
    Criterion,
    Requirement,
    RequirementKind,
    ReviewKind,
)

RPL_LABEL = "Recognition of prior learning"
GENRES = {
    RequirementKind.PORTFOLIO: "Portfolio",
    RequirementKind.OBSERVATION: "Workplace observation",
    RequirementKind.RPL: RPL_LABEL,
}


def _urn(value: Any) -> str:
    return f"urn:uuid:{value}"


def score_description_id(requirement: Requirement) -> str:
    return _urn(requirement.public_id)


def _criterion_description(criterion: Criterion) -> dict[str, Any]:
    levels = list(criterion.levels.all())
    data: dict[str, Any] = {
        "id": _urn(criterion.public_id),
        "type": ["ResultDescription"],
        "name": criterion.title,
        "resultType": "RubricCriterionLevel",
    }
    if levels:
        data["rubricCriterionLevel"] = [
            {
                "id": _urn(level.public_id),
                "type": ["RubricCriterionLevel"],
                "name": level.title,
                **({"description": level.description} if level.description else {}),
                "level": level.title,
                "points": str(level.points),
            }
            for level in levels
        ]
    return data


def result_descriptions_for(achievement: Any) -> list[dict[str, Any]]:
    """The rubric of every active portfolio/RPL requirement of ``achievement`` as OB 3.0
    ResultDescriptions (called late by ``achievements.services.achievement_json``)."""
    if getattr(achievement, "pk", None) is None:
        return []
    out: list[dict[str, Any]] = []
    requirements = Requirement.objects.filter(achievement=achievement, is_active=True).order_by(
        "pk"
    )
    for requirement in requirements.prefetch_related("criteria__levels"):
        criteria = [c for c in requirement.criteria.all() if c.levels.all()]
        if requirement.kind == RequirementKind.RPL:
            out.append(
                {
                    "id": score_description_id(requirement),
                    "type": ["ResultDescription"],
                    "name": RPL_LABEL,
                    "resultType": "Status",
                }
            )
        elif criteria:
            out.append(
                {
                    "id": score_description_id(requirement),
                    "type": ["ResultDescription"],
                    "name": f"{requirement.title}: score",
                    "resultType": "Percent",
                    "valueMin": "0",
                    "valueMax": "100",
                }
            )
        out.extend(_criterion_description(c) for c in criteria)
    return out


def _person(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "email", "") or "an assessor")


def evidence_and_results(
    assessments: list[Assessment],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Evidence (assessor and date; the learner's own material only if made public) and
    results (rubric levels, score, RPL) of accepted assessments."""
    from microcred_web.assessments.selectors import absolute, deciding_review

    evidence: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for assessment in assessments:
        requirement = assessment.requirement
        review = deciding_review(assessment)
        moderation = assessment.reviews.filter(kind=ReviewKind.MODERATION).last()
        when = (assessment.accepted_at or assessment.updated_at).date().isoformat()
        verb = "Observed" if requirement.kind == RequirementKind.OBSERVATION else "Assessed"
        narrative = f"{verb} competent by {_person(review.reviewer if review else None)} on {when}."
        if moderation is not None:
            narrative += f" Moderated by {_person(moderation.reviewer)}."
        if requirement.kind == RequirementKind.RPL:
            narrative = f"Granted through recognition of prior learning. {narrative}"
        item: dict[str, Any] = {
            "type": ["Evidence"],
            "name": requirement.title,
            "genre": GENRES[RequirementKind(requirement.kind)],
            "narrative": narrative,
        }
        if assessment.make_public:
            path = reverse(
                "assessments:public_evidence", kwargs={"public_id": assessment.public_id}
            )
            item["id"] = absolute(path)
            item["description"] = "Evidence the learner chose to make public."
            item["audience"] = "Public"
        evidence.append(item)
        if requirement.kind == RequirementKind.RPL:
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": score_description_id(requirement),
                    "status": "Completed",
                    "value": RPL_LABEL,
                }
            )
        if review is None or requirement.kind == RequirementKind.OBSERVATION:
            continue
        levels = {str(c.public_id): c for c in requirement.criteria.all()}
        for criterion_id, level_id in review.levels.items():
            if criterion_id in levels and level_id:
                results.append(
                    {
                        "type": ["Result"],
                        "resultDescription": _urn(criterion_id),
                        "achievedLevel": _urn(level_id),
                    }
                )
        if assessment.score is not None and requirement.kind != RequirementKind.RPL:
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": score_description_id(requirement),
                    "value": f"{assessment.score:g}",
                }
            )
    return evidence, results
