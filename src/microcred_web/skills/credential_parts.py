"""The OB 3.0 ``alignment`` entries skills put into achievements (called late by
``achievements.services.achievement_json``, a lower layer)."""

from __future__ import annotations

from typing import Any

from microcred_web.skills.models import Alignment, FrameworkSource

#: OB 3.0 AlignmentTargetType for an item of a CASE framework
CASE_ITEM = "CFItem"


def alignments_for(achievement: Any) -> list[dict[str, Any]]:
    """One ``Alignment`` per skill the achievement is aligned to, in label order."""
    if getattr(achievement, "pk", None) is None:
        return []
    entries = []
    rows = Alignment.objects.filter(achievement_id=achievement.pk).select_related(
        "skill__framework"
    )
    for row in rows.order_by("skill__label", "skill__uri"):
        skill = row.skill
        entry: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": skill.label,
            "targetUrl": skill.uri,
            "targetFramework": skill.framework.name,
        }
        if skill.description:
            entry["targetDescription"] = skill.description
        code = skill.code or skill.identifier
        if code:
            entry["targetCode"] = code
        if skill.framework.source == FrameworkSource.CASE:
            entry["targetType"] = CASE_ITEM
        entries.append(entry)
    return entries
