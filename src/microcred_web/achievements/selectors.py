"""Reads for achievements. Every query takes the organisation explicitly."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from microcred_web.achievements.models import Achievement, AchievementStatus, AchievementVersion
from microcred_web.orgs.models import Organisation


def achievement_list(
    *, organisation: Organisation, status: str = "", search: str = ""
) -> QuerySet[Achievement]:
    queryset = Achievement.objects.filter(organisation=organisation).select_related(
        "current_version"
    )
    if status:
        queryset = queryset.filter(status=status)
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    return queryset


def achievement_get(*, organisation: Organisation, achievement_id: int) -> Achievement | None:
    return achievement_list(organisation=organisation).filter(pk=achievement_id).first()


def achievement_issuable_list(*, organisation: Organisation) -> QuerySet[Achievement]:
    return achievement_list(organisation=organisation, status=AchievementStatus.PUBLISHED).filter(
        current_version__isnull=False
    )


def achievement_version_current(
    *, organisation: Organisation, achievement_id: int
) -> AchievementVersion | None:
    """The version new credentials of a published achievement are issued with."""
    achievement = (
        achievement_issuable_list(organisation=organisation).filter(pk=achievement_id).first()
    )
    return achievement.current_version if achievement is not None else None


def achievement_version_public(*, public_id: Any, number: int) -> AchievementVersion | None:
    """A published version, looked up by its public address (no organisation: it is public)."""
    return (
        AchievementVersion.objects.select_related("achievement__organisation")
        .filter(achievement__public_id=public_id, number=number)
        .exclude(achievement__status=AchievementStatus.DRAFT)
        .first()
    )


def achievement_credits(achievement: Achievement) -> dict[str, float]:
    """What ``achievement`` is worth per credit system: its own credits (in its named system,
    "credits" when unnamed), ECTS credits and workload hours, where set."""
    out: dict[str, float] = {}
    if achievement.credits is not None:
        out[achievement.credit_system.strip() or "credits"] = float(achievement.credits)
    if achievement.credit_ects is not None:
        out["ECTS"] = float(achievement.credit_ects)
    if achievement.workload_hours:
        out["workload hours"] = float(achievement.workload_hours)
    return out


def achievement_version_image_path(version: AchievementVersion) -> str:
    """The public address of the version's badge image ("" when it has none)."""
    if not version.image:
        return ""
    return reverse(
        "achievements:public_image",
        kwargs={"public_id": version.achievement.public_id, "number": version.number},
    )
