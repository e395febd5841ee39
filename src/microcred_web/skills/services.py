"""Writes for skills: the organisation's scale and own skills, groups, achievement alignments,
job roles and people's roles. Each runs in one transaction and is audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing import selectors as issuing_selectors
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.skills.evidence import evidence_sync_later
from microcred_web.skills.importing import search_text
from microcred_web.skills.models import (
    Alignment,
    Framework,
    FrameworkSource,
    JobRole,
    JobRoleSkill,
    PersonRole,
    ProficiencyScale,
    Skill,
    SkillGroup,
)
from microcred_web.skills.suggestion_tasks import vectors_refresh_later

DEFAULT_LEVELS = (
    (1, "Aware", "Knows what it is and when it matters; needs guidance to do it."),
    (2, "Basic", "Does routine tasks with some supervision."),
    (3, "Competent", "Does it alone, to standard, in normal conditions."),
    (4, "Proficient", "Handles unusual cases and helps others."),
    (5, "Expert", "Sets the standard, coaches and improves how it is done."),
)


def scale_default(*, organisation: Organisation) -> ProficiencyScale:
    """The organisation's default scale (a 1–5 scale is created the first time)."""
    scale = ProficiencyScale.objects.filter(organisation=organisation, is_default=True).first()
    if scale is None:
        scale, _created = ProficiencyScale.objects.get_or_create(
            organisation=organisation,
            name="Proficiency 1–5",
            defaults={
                "is_default": True,
                "levels": [
                    {"value": v, "label": label, "descriptor": text}
                    for v, label, text in DEFAULT_LEVELS
                ],
            },
        )
    return scale


def _level(organisation: Organisation, raw: Any, field: str) -> int:
    scale = scale_default(organisation=organisation).as_scale()
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("level", _("Choose a level."), field) from exc
    if not scale.lowest <= value <= scale.highest:
        raise ApplicationError(
            "level",
            _("Choose a level from %(low)d to %(high)d.")
            % {"low": scale.lowest, "high": scale.highest},
            field,
        )
    return value


def own_framework(*, organisation: Organisation) -> Framework:
    base = str(settings.BASE_URL).rstrip("/")
    framework, _created = Framework.objects.get_or_create(
        organisation=organisation,
        source=FrameworkSource.OWN,
        defaults={
            "name": _("%(org)s skills") % {"org": organisation.name},
            "uri": f"{base}/o/{organisation.slug}/skills/framework",
            "publisher": organisation.name,
        },
    )
    return framework


@transaction.atomic
def skill_create(
    *,
    organisation: Organisation,
    actor: Any,
    label: str,
    description: str = "",
    code: str = "",
    alt_labels: Sequence[str] = (),
    group: SkillGroup | None = None,
) -> Skill:
    """One of the organisation's own skills; its URI is its public page here (stable)."""
    label = (label or "").strip()
    if not label:
        raise ApplicationError("required", _("Give the skill a name."), "label")
    public_id = uuid.uuid4()
    uri = str(settings.BASE_URL).rstrip("/") + reverse(
        "skills:public", kwargs={"public_id": public_id}
    )
    alts = [a.strip() for a in alt_labels if a.strip()]
    skill = Skill.objects.create(
        organisation=organisation,
        framework=own_framework(organisation=organisation),
        public_id=public_id,
        uri=uri,
        code=code.strip()[:80],
        label=label[:500],
        alt_labels=alts,
        description=description.strip(),
        group=group if group is None or group.organisation_id == organisation.pk else None,
        search_text=search_text(label, alts, description),
    )
    audit_record(
        action="skills.skill_created", actor=actor, organisation=organisation, target=skill
    )
    vectors_refresh_later(organisation=organisation)
    return skill


@transaction.atomic
def skill_group_save(
    *, organisation: Organisation, actor: Any, name: str, half_life_days: Any
) -> SkillGroup:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("required", _("Give the group a name."), "name")
    try:
        days = int(half_life_days)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("half_life", _("Enter a number of days."), "half_life_days") from exc
    if not 1 <= days <= 36500:
        raise ApplicationError("half_life", _("Enter between 1 and 36500 days."), "half_life_days")
    group, _created = SkillGroup.objects.update_or_create(
        organisation=organisation, name=name[:200], defaults={"half_life_days": days}
    )
    audit_record(action="skills.group_saved", actor=actor, organisation=organisation, target=group)
    return group


@transaction.atomic
def skills_group_assign(
    *, organisation: Organisation, actor: Any, group: SkillGroup | None, skill_ids: list[int]
) -> int:
    if group is not None and group.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such group."), status=404)
    count = Skill.objects.filter(organisation=organisation, pk__in=skill_ids).update(group=group)
    audit_record(
        action="skills.group_assigned",
        actor=actor,
        organisation=organisation,
        data={"group": group.name if group else "", "skills": count},
    )
    return count


def _skill_of(organisation: Organisation, skill_id: Any, field: str) -> Skill:
    skill = (
        Skill.objects.filter(organisation=organisation, pk=skill_id).first()
        if str(skill_id).isdigit()
        else None
    )
    if skill is None:
        raise ApplicationError("skill_unknown", _("Choose a skill from the list."), field)
    return skill


@transaction.atomic
def alignment_set(
    *, achievement: Achievement, actor: Any, rows: Sequence[tuple[Any, Any]]
) -> list[Alignment]:
    """Replace the achievement's skill alignments with ``rows`` of (skill id, level).

    A published achievement gets a new version (credentials issued from now carry the new
    alignments; those issued before keep theirs)."""
    organisation = achievement.organisation
    wanted: dict[int, int] = {}
    for number, (skill_id, level) in enumerate(rows):
        field = f"alignments[{number}]"
        skill = _skill_of(organisation, skill_id, field)
        wanted[skill.pk] = _level(organisation, level, field)
    Alignment.objects.filter(achievement=achievement).exclude(skill_id__in=list(wanted)).delete()
    for skill_id, level in wanted.items():
        Alignment.objects.update_or_create(
            achievement=achievement,
            skill_id=skill_id,
            defaults={"organisation": organisation, "level": level},
        )
    audit_record(
        action="skills.alignment_set",
        actor=actor,
        organisation=organisation,
        target=achievement,
        data={"skills": len(wanted)},
    )
    # the achievement's JSON now carries other alignments: a new version when published
    achievement_services.achievement_update(achievement=achievement, actor=actor, values={})
    # credentials already issued back the skills at the levels now set
    issued = issuing_selectors.credential_list(
        organisation=organisation, achievement_id=achievement.pk
    )
    evidence_sync_later(
        organisation=organisation, credential_ids=list(issued.values_list("pk", flat=True))
    )
    return list(Alignment.objects.filter(achievement=achievement).select_related("skill"))


def _weight(raw: Any, field: str) -> Decimal:
    try:
        weight = Decimal(str(raw if raw not in (None, "") else "1"))
    except InvalidOperation as exc:
        raise ApplicationError("weight", _("Enter a weight such as 1 or 2.5."), field) from exc
    if not weight.is_finite() or not Decimal("0.1") <= weight <= Decimal(100):
        raise ApplicationError("weight", _("Enter a weight between 0.1 and 100."), field)
    return weight


@transaction.atomic
def job_role_save(
    *,
    organisation: Organisation,
    actor: Any,
    name: str,
    description: str = "",
    requirements: Sequence[tuple[Any, Any, Any]] = (),
    role: JobRole | None = None,
) -> JobRole:
    """Create or edit a role; ``requirements`` are (skill id, level, weight) and replace the
    role's list."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("required", _("Give the role a name."), "name")
    if role is not None and role.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such role."), status=404)
    clash = JobRole.objects.filter(organisation=organisation, name=name)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise ApplicationError("role_exists", _("A role with this name exists."), "name")
    checked: dict[int, tuple[int, Decimal]] = {}
    for number, (skill_id, level, weight) in enumerate(requirements):
        field = f"requirements[{number}]"
        skill = _skill_of(organisation, skill_id, field)
        checked[skill.pk] = (_level(organisation, level, field), _weight(weight, field))
    role = role or JobRole(organisation=organisation)
    role.name, role.description = name[:200], description.strip()
    role.save()
    role.requirements.exclude(skill_id__in=list(checked)).delete()
    for skill_id, (level, weight) in checked.items():
        JobRoleSkill.objects.update_or_create(
            role=role, skill_id=skill_id, defaults={"level": level, "weight": weight}
        )
    audit_record(
        action="skills.role_saved",
        actor=actor,
        organisation=organisation,
        target=role,
        data={"requirements": len(checked)},
    )
    return role


@transaction.atomic
def person_role_set(
    *,
    organisation: Organisation,
    actor: Any,
    user: Any,
    current: JobRole | None,
    targets: Sequence[JobRole] = (),
) -> PersonRole:
    """Set a member's current role and target roles (all of this organisation)."""
    if not Membership.objects.filter(organisation=organisation, user=user, is_active=True).exists():
        raise ApplicationError("not_member", _("This person is not a member."), status=404)
    for role in [*([current] if current else []), *targets]:
        if role.organisation_id != organisation.pk:
            raise ApplicationError("not_found", _("No such role."), status=404)
    person, _created = PersonRole.objects.update_or_create(
        organisation=organisation, user=user, defaults={"current": current}
    )
    person.targets.set([t for t in targets if current is None or t.pk != current.pk])
    audit_record(
        action="skills.person_role_set",
        actor=actor,
        organisation=organisation,
        target=person,
        data={"current": current.name if current else "", "targets": [t.name for t in targets]},
    )
    return person
