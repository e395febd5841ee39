"""Reads for the operator console: organisations with their usage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from microcred_web.common.models import AuditEvent
from microcred_web.instance.models import Impersonation, OrganisationExport
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Membership, Organisation


@dataclass(frozen=True)
class OrganisationUsage:
    organisation: Organisation
    people: int
    credentials_total: int
    credentials_this_month: int
    last_activity: datetime | None


def organisation_usage_list() -> list[OrganisationUsage]:
    """Every organisation with its usage, in four grouped queries whatever their number."""
    organisations = list(Organisation.objects.order_by("name"))
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    people = dict(
        Membership.objects.filter(is_active=True)
        .values("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
    credentials = {
        row["organisation"]: row
        for row in Credential.objects.values("organisation").annotate(
            total=Count("id"), month=Count("id", filter=Q(issued_at__gte=month_start))
        )
    }
    activity = dict(
        AuditEvent.objects.filter(organisation__isnull=False)
        .values("organisation")
        .annotate(last=Max("created_at"))
        .values_list("organisation", "last")
    )
    return [
        OrganisationUsage(
            organisation=org,
            people=people.get(org.pk, 0),
            credentials_total=credentials.get(org.pk, {}).get("total", 0),
            credentials_this_month=credentials.get(org.pk, {}).get("month", 0),
            last_activity=activity.get(org.pk),
        )
        for org in organisations
    ]


def organisation_get(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def organisation_members(*, organisation: Organisation, search: str = "") -> list[Membership]:
    queryset = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("user__display_name", "user__email")
    )
    if search.strip():
        queryset = queryset.filter(user__email__icontains=search.strip())
    return list(queryset[:50])


def last_export(*, organisation: Organisation) -> OrganisationExport | None:
    return OrganisationExport.objects.filter(organisation=organisation).first()


def impersonation_list(*, limit: int = 20) -> list[Impersonation]:
    return list(Impersonation.objects.select_related("operator", "member")[:limit])


def impersonation_get(*, pk: int) -> Impersonation | None:
    return Impersonation.objects.filter(pk=pk).select_related("operator", "member").first()
