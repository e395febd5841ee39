"""Daily rollups of credential events (decision 0049): one row per (organisation, day, kind,
channel, achievement, verifying organisation) with its count.

A day is rebuilt whole — its rows deleted and re-aggregated from the events in one
transaction, one ``GROUP BY`` in the database — so a refresh can run any number of times.
The daily job rebuilds the last two days (events of yesterday can still be arriving from
writer queues at midnight); ``manage.py reports_rollup --days N`` backfills.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent
from microcred_web.reports.models import EventRollup, RollupDay
from microcred_web.reports.periods import day_bounds

_GROUP = (
    "organisation_id",
    "kind",
    "channel",
    "credential__achievement_version__achievement",
    "viewer_organisation_id",
)


def rollup_day_refresh(day: date, *, now: datetime | None = None) -> int:
    """Rebuild ``day``'s rollups; returns how many rows it has now."""
    now = now or timezone.now()
    low, high = day_bounds(day, day)
    grouped = (
        CredentialEvent.objects.filter(
            created_at__gte=low, created_at__lt=high, organisation_id__isnull=False
        )
        .values(*_GROUP)
        .annotate(n=Count("id"))
        .order_by()
    )
    with transaction.atomic():
        EventRollup.objects.filter(day=day).delete()
        rows = EventRollup.objects.bulk_create(
            (
                EventRollup(
                    organisation_id=item["organisation_id"],
                    day=day,
                    kind=item["kind"],
                    channel=item["channel"],
                    achievement_id=item["credential__achievement_version__achievement"],
                    viewer_organisation_id=item["viewer_organisation_id"],
                    count=item["n"],
                )
                for item in grouped.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )
        RollupDay.objects.update_or_create(
            day=day, defaults={"complete": now >= high, "refreshed_at": now}
        )
    return len(rows)


def rollups_refresh(*, days: int, now: datetime | None = None) -> int:
    """Rebuild the last ``days`` days (today included); returns the rows written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return sum(rollup_day_refresh(today - timedelta(days=back), now=now) for back in range(days))


def rollups_cover(start: date, end: date) -> bool:
    """Whether every day of ``start``..``end`` is rolled up complete."""
    wanted = (end - start).days + 1
    return RollupDay.objects.filter(day__gte=start, day__lte=end, complete=True).count() == wanted


#: the event-measure dimensions a rollup holds, and the rollup column for each
ROLLUP_COLUMNS = {
    "achievement": "achievement_id",
    "channel": "channel",
    "verifier": "viewer_organisation_id",
}


def rollup_counts(
    *,
    organisation_id: int,
    kind: str,
    dimensions: tuple[str, ...],
    start: date,
    end: date,
    achievement: int | None,
) -> list[tuple[tuple[Any, ...], int]]:
    """``[(dimension values, count)]`` summed from the rollups (the same keys the live query
    groups by: ids, channels, truncated dates)."""
    rows: Any = EventRollup.objects.filter(
        organisation_id=organisation_id, kind=kind, day__gte=start, day__lte=end
    )
    if achievement is not None:
        rows = rows.filter(achievement_id=achievement)
    group: list[str] = []
    for name in dimensions:
        if name == "week":
            rows = rows.annotate(week=TruncWeek("day"))
            group.append("week")
        elif name == "month":
            rows = rows.annotate(month=TruncMonth("day"))
            group.append("month")
        else:
            group.append(ROLLUP_COLUMNS[name])
    grouped = rows.values(*group).annotate(n=Sum("count")).order_by()
    return [(tuple(item[g] for g in group), int(item["n"])) for item in grouped]
