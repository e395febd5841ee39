"""Dashboards per role: the funnel issued → claimed → viewed → shared → verified per
achievement (administrators: the whole programme; managers: their teams' people; issuers:
plus delivery problems).

A funnel stage counts the credentials issued in the period that reached it at least once
(so a credential viewed ten times counts once), in one aggregate query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from microcred_web.achievements.models import Achievement
from microcred_web.analytics.models import EventKind
from microcred_web.issuing.models import Credential, DeliveryStatus
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Organisation, Team
from microcred_web.reports.periods import day_bounds as _bounds

STAGES = ("issued", "claimed", "viewed", "shared", "verified")


@dataclass(frozen=True)
class FunnelRow:
    achievement_id: int | None
    achievement: str
    issued: int
    claimed: int
    viewed: int
    shared: int
    verified: int

    @property
    def stages(self) -> list[int]:
        return [getattr(self, stage) for stage in STAGES]


def _credentials(
    organisation: Organisation, start: date, end: date, teams: Iterable[int] | None
) -> Any:
    low, high = _bounds(start, end)
    rows = Credential.objects.filter(
        organisation=organisation, issued_at__gte=low, issued_at__lt=high
    )
    if teams is not None:
        rows = rows.filter(
            recipient_user__memberships__organisation=organisation,
            recipient_user__memberships__teams__in=list(teams),
        )
    return rows


def funnel_per_achievement(
    *,
    organisation: Organisation,
    start: date,
    end: date,
    teams: Iterable[int] | None = None,
) -> list[FunnelRow]:
    """One row per achievement with credentials issued in ``start``..``end`` (to people of
    ``teams`` when given), most issued first."""
    distinct = {"distinct": True}
    rows = (
        _credentials(organisation, start, end, teams)
        .values("achievement_version__achievement")
        .annotate(
            issued=Count("id", **distinct),
            claimed=Count("id", filter=Q(claimed_at__isnull=False), **distinct),
            viewed=Count("id", filter=Q(events__kind=EventKind.VIEW), **distinct),
            shared=Count("id", filter=Q(events__kind=EventKind.SHARE), **distinct),
            verified=Count("id", filter=Q(events__kind=EventKind.VERIFY), **distinct),
        )
        .order_by()
    )
    names = dict(Achievement.objects.filter(organisation=organisation).values_list("pk", "name"))
    result = [
        FunnelRow(
            achievement_id=row["achievement_version__achievement"],
            achievement=names.get(row["achievement_version__achievement"], ""),
            **{stage: int(row[stage]) for stage in STAGES},
        )
        for row in rows
    ]
    result.sort(key=lambda row: (-row.issued, row.achievement.casefold()))
    return result


def funnel_total(rows: Iterable[FunnelRow]) -> list[int]:
    totals = [0] * len(STAGES)
    for row in rows:
        totals = [a + b for a, b in zip(totals, row.stages, strict=True)]
    return totals


def managed_team_ids(*, ctx: OrgContext) -> list[int]:
    return list(
        Team.objects.filter(organisation=ctx.organisation, managers=ctx.membership).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class DeliveryProblems:
    bounced: int
    not_sent: int
    unclaimed: int  # delivered more than ``UNCLAIMED_DAYS`` ago and never claimed
    recent_bounces: list[dict[str, Any]]


UNCLAIMED_DAYS = 14


def delivery_problems(*, organisation: Organisation, today: date | None = None) -> DeliveryProblems:
    today = today or timezone.now().date()
    cutoff, _high = _bounds(today - timedelta(days=UNCLAIMED_DAYS), today)
    active = Credential.objects.filter(organisation=organisation, revoked_at__isnull=True)
    counts = active.aggregate(
        bounced=Count("id", filter=Q(delivery_status=DeliveryStatus.BOUNCED)),
        not_sent=Count(
            "id",
            filter=Q(delivery_status=DeliveryStatus.NOT_SENT)
            & Q(recipient_email__isnull=False)
            & Q(recipient_user__isnull=True),
        ),
        unclaimed=Count(
            "id",
            filter=Q(claimed_at__isnull=True)
            & Q(delivery_status=DeliveryStatus.SENT)
            & Q(issued_at__lt=cutoff),
        ),
    )
    recent: list[dict[str, Any]] = [
        dict(row)
        for row in active.filter(delivery_status=DeliveryStatus.BOUNCED)
        .order_by("-issued_at")
        .values(
            "recipient_email",
            "bounce_reason",
            "issued_at",
            "achievement_version__achievement__name",
        )[:10]
    ]
    return DeliveryProblems(
        bounced=int(counts["bounced"]),
        not_sent=int(counts["not_sent"]),
        unclaimed=int(counts["unclaimed"]),
        recent_bounces=recent,
    )
