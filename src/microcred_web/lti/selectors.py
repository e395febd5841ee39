"""Reads of the LTI app."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred_web.lti.models import Platform, ResourceLink, ScoreOutbox
from microcred_web.orgs.models import Organisation


def platform_list(*, organisation: Organisation) -> QuerySet[Platform]:
    return Platform.objects.filter(organisation=organisation).order_by("name")


def platform_get(*, organisation: Organisation, platform_id: int) -> Platform | None:
    return Platform.objects.filter(organisation=organisation, pk=platform_id).first()


def link_list(*, platform: Platform) -> QuerySet[ResourceLink]:
    return ResourceLink.objects.filter(platform=platform).select_related("course", "team")


def link_get(*, platform: Platform, link_id: int) -> ResourceLink | None:
    return (
        ResourceLink.objects.filter(platform=platform, pk=link_id)
        .select_related("platform__organisation", "course")
        .first()
    )


def score_list(*, platform: Platform, limit: int = 50) -> QuerySet[ScoreOutbox]:
    return (
        ScoreOutbox.objects.filter(link__platform=platform)
        .select_related("link__course", "identity__user")
        .order_by("-updated_at")[:limit]
    )
