"""Writes for proficiency scales: the editor (levels, default, deletion when unused), mappings
between scales, and a skill's own level descriptors. One transaction each, audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from microcred.skills.scales import proposed_table, table_problems
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.skills.evidence import evidence_sync_later
from microcred_web.skills.models import (
    Alignment,
    JobRoleSkill,
    ProficiencyScale,
    ScaleMapping,
    Skill,
    SkillEvidence,
)

MIN_LEVELS, MAX_LEVELS = 2, 10
MAX_LABEL, MAX_DESCRIPTOR = 80, 1000


def _clean_levels(levels: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Rows of (label, descriptor) in order → ``[{"value", "label", "descriptor"}]``; fully
    blank rows are dropped; the fields are named ``label-<row>`` / ``descriptor-<row>``."""
    rows: list[dict[str, Any]] = []
    for number, (label, descriptor) in enumerate(levels, start=1):
        label, descriptor = (label or "").strip(), (descriptor or "").strip()
        if not label and not descriptor:
            continue
        if not label:
            raise ApplicationError("required", _("Give this level a label."), f"label-{number}")
        if len(label) > MAX_LABEL:
            raise ApplicationError(
                "too_long", _("Keep a label under 80 characters."), f"label-{number}"
            )
        if len(descriptor) > MAX_DESCRIPTOR:
            raise ApplicationError(
                "too_long",
                _("Keep a descriptor under 1000 characters."),
                f"descriptor-{number}",
            )
        rows.append({"value": len(rows) + 1, "label": label, "descriptor": descriptor})
    if not MIN_LEVELS <= len(rows) <= MAX_LEVELS:
        raise ApplicationError("levels_count", _("A scale has from 2 to 10 levels."), "levels")
    return rows


def highest_level_in_use(*, organisation: Organisation) -> int:
    """The highest level alignments, role requirements and evidence rows use (0: none)."""
    highest = 0
    for model in (Alignment, SkillEvidence):
        found = model.objects.filter(organisation=organisation).aggregate(top=Max("level"))
        highest = max(highest, found["top"] or 0)
    found = JobRoleSkill.objects.filter(role__organisation=organisation).aggregate(top=Max("level"))
    return max(highest, found["top"] or 0)


def _refit_mappings(scale: ProficiencyScale) -> None:
    """After a scale's levels changed: each mapping touching it keeps its table if still
    usable, else gets the proportional one."""
    for mapping in ScaleMapping.objects.filter(source=scale) | ScaleMapping.objects.filter(
        target=scale
    ):
        source, target = mapping.source.as_scale(), mapping.target.as_scale()
        if table_problems(mapping.as_table(), source, target):
            mapping.table = {str(k): v for k, v in proposed_table(source, target).items()}
            mapping.save(update_fields=["table", "updated_at"])


def _result_ids(raw: str | Sequence[str]) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    return list(dict.fromkeys(line.strip()[:500] for line in lines if line.strip()))[:50]


@transaction.atomic
def scale_save(
    *,
    organisation: Organisation,
    actor: Any,
    name: str,
    levels: Sequence[tuple[str, str]],
    result_ids: str | Sequence[str] = (),
    scale: ProficiencyScale | None = None,
) -> ProficiencyScale:
    """Create or edit a scale: its name, ordered levels (2 to 10; values 1..N in order) and the
    identifiers of results elsewhere that use it."""
    if scale is not None and scale.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such scale."), status=404)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("required", _("Give the scale a name."), "name")
    clash = ProficiencyScale.objects.filter(organisation=organisation, name=name[:120])
    if scale is not None:
        clash = clash.exclude(pk=scale.pk)
    if clash.exists():
        raise ApplicationError("scale_exists", _("A scale with this name exists."), "name")
    rows = _clean_levels(levels)
    if scale is not None and scale.is_default:
        used = highest_level_in_use(organisation=organisation)
        if used > len(rows):
            raise ApplicationError(
                "levels_in_use",
                _(
                    "This is the default scale and level %(level)d is in use (alignments, "
                    "role requirements or evidence): keep at least %(level)d levels."
                )
                % {"level": used},
                "levels",
            )
    is_new = scale is None
    scale = scale or ProficiencyScale(organisation=organisation)
    scale.name, scale.levels, scale.result_ids = name[:120], rows, _result_ids(result_ids)
    scale.save()
    if not is_new:
        _refit_mappings(scale)
    audit_record(
        action="skills.scale_created" if is_new else "skills.scale_saved",
        actor=actor,
        organisation=organisation,
        target=scale,
        data={"levels": len(rows)},
    )
    if scale.result_ids or not is_new:  # imported results may read this scale
        evidence_sync_later(organisation=organisation)
    return scale


@transaction.atomic
def scale_set_default(
    *, organisation: Organisation, actor: Any, scale: ProficiencyScale
) -> ProficiencyScale:
    """Make ``scale`` the one alignments, roles and profiles use. Refused when levels in use
    are beyond it (they would mean nothing on it)."""
    if scale.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such scale."), status=404)
    used = highest_level_in_use(organisation=organisation)
    if used > scale.as_scale().highest:
        raise ApplicationError(
            "levels_in_use",
            _(
                "Level %(level)d is in use (alignments, role requirements or evidence) and "
                "%(name)s stops at %(top)d."
            )
            % {"level": used, "name": scale.name, "top": scale.as_scale().highest},
            "scale",
        )
    ProficiencyScale.objects.filter(organisation=organisation, is_default=True).update(
        is_default=False
    )
    scale.is_default = True
    scale.save(update_fields=["is_default"])
    audit_record(
        action="skills.scale_default_set", actor=actor, organisation=organisation, target=scale
    )
    evidence_sync_later(organisation=organisation)
    return scale


def scale_uses(*, scale: ProficiencyScale) -> list[str]:
    """Why ``scale`` cannot be deleted, in words (empty: unused)."""
    reasons = []
    if scale.is_default:
        reasons.append(_("it is the default scale: alignments, roles and profiles use it"))
    for mapping in ScaleMapping.objects.filter(source=scale).select_related("target"):
        reasons.append(_("it is mapped to %(name)s") % {"name": mapping.target.name})
    for mapping in ScaleMapping.objects.filter(target=scale).select_related("source"):
        reasons.append(_("%(name)s is mapped to it") % {"name": mapping.source.name})
    return reasons


@transaction.atomic
def scale_delete(*, organisation: Organisation, actor: Any, scale: ProficiencyScale) -> None:
    if scale.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such scale."), status=404)
    reasons = scale_uses(scale=scale)
    if reasons:
        raise ApplicationError(
            "scale_in_use",
            _("%(name)s cannot be deleted: %(reasons)s.")
            % {"name": scale.name, "reasons": "; ".join(reasons)},
            "scale",
        )
    audit_record(
        action="skills.scale_deleted",
        actor=actor,
        organisation=organisation,
        data={"name": scale.name},
    )
    scale.delete()


def _table_value(raw: Any, field: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("level", _("Choose a level."), field) from exc


@transaction.atomic
def scale_mapping_save(
    *,
    organisation: Organisation,
    actor: Any,
    source: ProficiencyScale,
    target: ProficiencyScale,
    table: Mapping[Any, Any],
) -> ScaleMapping:
    """Save how each level of ``source`` counts on ``target`` (every level mapped, a higher
    level never lower). The field of an error is ``table-<source level>``."""
    if organisation.pk not in (source.organisation_id, target.organisation_id) or (
        source.organisation_id != target.organisation_id
    ):
        raise ApplicationError("not_found", _("No such scale."), status=404)
    if source.pk == target.pk:
        raise ApplicationError("same_scale", _("Choose another scale to map to."), "target")
    wanted = {
        int(key): _table_value(value, f"table-{key}")
        for key, value in table.items()
        if str(key).isdigit()
    }
    problems = table_problems(wanted, source.as_scale(), target.as_scale())
    if problems:
        level = problems[0].path.rsplit(".", 1)[-1]
        message = {
            "choose a level": _("Choose a level for level %(level)s."),
            "not on the target scale": _(
                "Level %(level)s maps to a level %(target)s does not have."
            ),
        }.get(
            problems[0].message,
            _(
                "Level %(level)s maps lower than the level below it: "
                "a higher level never maps lower."
            ),
        )
        raise ApplicationError(
            "mapping_invalid", message % {"level": level, "target": target.name}, f"table-{level}"
        )
    mapping, _created = ScaleMapping.objects.update_or_create(
        source=source,
        target=target,
        defaults={"organisation": organisation, "table": {str(k): v for k, v in wanted.items()}},
    )
    audit_record(
        action="skills.scale_mapping_saved",
        actor=actor,
        organisation=organisation,
        target=mapping,
        data={"source": source.name, "target": target.name, "table": mapping.table},
    )
    if target.is_default:
        evidence_sync_later(organisation=organisation)
    return mapping


@transaction.atomic
def skill_descriptors_set(
    *, skill: Skill, actor: Any, descriptors: Mapping[int, str], scale: ProficiencyScale
) -> Skill:
    """What each level of the default scale means for this skill (blank: the scale's own)."""
    values = {level.value for level in scale.as_scale().levels}
    cleaned: dict[str, str] = {}
    for value, text in descriptors.items():
        text = (text or "").strip()
        if value not in values:
            raise ApplicationError(
                "level", _("Level %(level)d is not on the scale.") % {"level": value}, "levels"
            )
        if len(text) > MAX_DESCRIPTOR:
            raise ApplicationError(
                "too_long", _("Keep a descriptor under 1000 characters."), f"descriptor-{value}"
            )
        if text:
            cleaned[str(value)] = text
    skill.descriptors = cleaned
    skill.save(update_fields=["descriptors", "updated_at"])
    audit_record(
        action="skills.skill_descriptors_set",
        actor=actor,
        organisation=skill.organisation,
        target=skill,
        data={"levels": sorted(cleaned)},
    )
    return skill
