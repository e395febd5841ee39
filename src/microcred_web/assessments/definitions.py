"""Writes for what the admin defines: the policy, requirements and their rubrics/checklists.

A rubric change of a published achievement re-versions it (through achievements' own
service), so new credentials carry the new ``resultDescription``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.assessments.models import (
    AssessmentPolicy,
    Criterion,
    Level,
    Requirement,
    RequirementKind,
    RequirementPurpose,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.models import Course
from microcred_web.orgs.models import Organisation


def offsets_clean(value: Any, field: str = "reminder_offsets") -> list[int]:
    """``"60, 30, 7"`` or ``[60, 30, 7]`` → ``[60, 30, 7]`` (days, 1–730, descending)."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value or [])
    out: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit() or not 1 <= int(text) <= 730:
            raise ApplicationError(
                "offsets", _("Enter whole numbers of days between 1 and 730."), field
            )
        out.add(int(text))
    return sorted(out, reverse=True)


@transaction.atomic
def policy_update(
    *, organisation: Organisation, actor: Any, values: Mapping[str, Any]
) -> AssessmentPolicy:
    policy, _created = AssessmentPolicy.objects.get_or_create(organisation=organisation)
    try:
        sla_days = int(values.get("sla_days", policy.sla_days))
        sample = int(values.get("moderation_sample_percent", policy.moderation_sample_percent))
    except (TypeError, ValueError) as exc:
        raise ApplicationError("number", _("Enter a whole number."), "sla_days") from exc
    if not 1 <= sla_days <= 365:
        raise ApplicationError("sla_days", _("Between 1 and 365 days."), "sla_days")
    if not 0 <= sample <= 100:
        raise ApplicationError(
            "sample", _("A percentage between 0 and 100."), "moderation_sample_percent"
        )
    policy.sla_days = sla_days
    policy.moderation_sample_percent = sample
    policy.block_team_managers = bool(values.get("block_team_managers"))
    policy.reminder_offsets = offsets_clean(values.get("reminder_offsets", ""))
    policy.save()
    audit_record(
        action="assessments.policy_updated",
        actor=actor,
        organisation=organisation,
        data={
            "sla_days": sla_days,
            "moderation_sample_percent": sample,
            "block_team_managers": policy.block_team_managers,
            "reminder_offsets": policy.reminder_offsets,
        },
    )
    return policy


@transaction.atomic
def requirement_create(
    *,
    organisation: Organisation,
    actor: Any,
    achievement: Achievement,
    kind: str,
    title: str,
    instructions: str = "",
    purpose: str = RequirementPurpose.INITIAL,
    countersignature_required: bool = False,
    reminder_offsets: Any = "",
    refresher_course: Course | None = None,
) -> Requirement:
    if achievement.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such achievement."), "achievement", status=404)
    if kind not in RequirementKind.values:
        raise ApplicationError("kind", _("Choose a kind from the list."), "kind")
    if purpose not in RequirementPurpose.values:
        raise ApplicationError("purpose", _("Choose a purpose from the list."), "purpose")
    if not title.strip():
        raise ApplicationError("required", _("This field is required."), "title")
    _refresher_check(organisation, purpose, refresher_course)
    requirement = Requirement.objects.create(
        organisation=organisation,
        achievement=achievement,
        kind=kind,
        purpose=purpose,
        title=title.strip()[:200],
        instructions=instructions.strip(),
        countersignature_required=countersignature_required,
        reminder_offsets=offsets_clean(reminder_offsets),
        refresher_course=refresher_course,
    )
    audit_record(
        action="assessments.requirement_created",
        actor=actor,
        organisation=organisation,
        target=requirement,
        data={
            "achievement": achievement.name,
            "kind": kind,
            "purpose": purpose,
            "refresher_course": refresher_course.title if refresher_course else "",
        },
    )
    return requirement


def _refresher_check(organisation: Organisation, purpose: str, course: Course | None) -> None:
    if course is None:
        return
    if purpose != RequirementPurpose.RECERTIFICATION:
        raise ApplicationError(
            "refresher_purpose",
            _("A refresher course belongs to a recertification requirement."),
            "refresher_course",
        )
    if course.organisation_id != organisation.pk or not course.is_published:
        raise ApplicationError(
            "refresher_course",
            _("Choose a published course of this organisation."),
            "refresher_course",
        )


@transaction.atomic
def requirement_refresher_set(
    *, requirement: Requirement, actor: Any, course: Course | None
) -> Requirement:
    """Choose (or clear) the refresher course of a recertification path. Cases already open
    keep the course they were enrolled in."""
    _refresher_check(requirement.organisation, requirement.purpose, course)
    requirement.refresher_course = course
    requirement.save(update_fields=["refresher_course"])
    audit_record(
        action="assessments.refresher_course_set",
        actor=actor,
        organisation=requirement.organisation,
        target=requirement,
        data={"refresher_course": course.title if course else ""},
    )
    return requirement


def _achievement_reversion(requirement: Requirement, actor: Any) -> None:
    """Let achievements re-version a published achievement whose rubric changed."""
    achievement_services.achievement_update(
        achievement=requirement.achievement, actor=actor, values={}
    )


@transaction.atomic
def criterion_add(
    *,
    requirement: Requirement,
    actor: Any,
    title: str,
    description: str = "",
    levels: Sequence[tuple[str, str, int]] = (),
) -> Criterion:
    """Add a rubric criterion with its levels ``(title, description, points)`` — or, for an
    observation, a checklist item (no levels)."""
    if not title.strip():
        raise ApplicationError("required", _("This field is required."), "title")
    cleaned = [(t.strip(), d.strip(), int(p)) for t, d, p in levels if t.strip()]
    if requirement.kind != RequirementKind.OBSERVATION and len(cleaned) < 2:
        raise ApplicationError(
            "levels", _("A rubric criterion needs at least two described levels."), "levels"
        )
    if any(points < 0 or points > 1000 for _t, _d, points in cleaned):
        raise ApplicationError("points", _("Points are between 0 and 1000."), "levels")
    position = requirement.criteria.count()
    criterion = Criterion.objects.create(
        requirement=requirement,
        position=position,
        title=title.strip()[:200],
        description=description.strip(),
    )
    Level.objects.bulk_create(
        Level(criterion=criterion, position=i, title=t[:120], description=d, points=p)
        for i, (t, d, p) in enumerate(cleaned)
    )
    audit_record(
        action="assessments.criterion_added",
        actor=actor,
        organisation=requirement.organisation,
        target=requirement,
        data={"criterion": criterion.title, "levels": [t for t, _d, _p in cleaned]},
    )
    _achievement_reversion(requirement, actor)
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, actor: Any) -> None:
    requirement = criterion.requirement
    if requirement.assessments.exclude(status="draft").exists():
        raise ApplicationError(
            "criterion_in_use",
            _("Evidence was already submitted against this rubric: add a new requirement."),
            "criterion",
        )
    title = criterion.title
    criterion.delete()
    audit_record(
        action="assessments.criterion_removed",
        actor=actor,
        organisation=requirement.organisation,
        target=requirement,
        data={"criterion": title},
    )
    _achievement_reversion(requirement, actor)
