"""Reads owned by the analytics app: counts per credential and per organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent


def counts_for_credential(*, credential_id: int) -> dict[str, int]:
    """``{kind: count}`` of one credential's events (kinds without events are absent)."""
    rows = (
        CredentialEvent.objects.filter(credential_id=credential_id)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["kind"]: row["n"] for row in rows}


def counts_for_credentials(*, credential_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{credential_id: {kind: count}}`` for many credentials in one query."""
    result: dict[int, dict[str, int]] = {}
    rows = (
        CredentialEvent.objects.filter(credential_id__in=list(credential_ids))
        .values("credential_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        result.setdefault(row["credential_id"], {})[row["kind"]] = row["n"]
    return result


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> Period:
        end = today or timezone.now().date()
        return cls(start=end - timedelta(days=days - 1), end=end)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _organisation_events(*, organisation: Any, period: Period) -> Any:
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    return CredentialEvent.objects.filter(
        organisation=organisation, created_at__gte=start, created_at__lt=end
    )


def organisation_daily_counts(*, organisation: Any, period: Period) -> dict[str, dict[date, int]]:
    """``{kind: {day: count}}`` of an organisation's events per day over ``period``."""
    rows = (
        _organisation_events(organisation=organisation, period=period)
        .annotate(day=TruncDate("created_at"))
        .values("kind", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[str, dict[date, int]] = {}
    for row in rows:
        result.setdefault(row["kind"], {})[row["day"]] = row["n"]
    return result


def organisation_breakdown(
    *, organisation: Any, period: Period, kind: str, by: str
) -> dict[str, int]:
    """``{channel or result: count}`` of one kind of an organisation's events over ``period``
    (``by`` is ``"channel"`` or ``"result"``)."""
    if by not in {"channel", "result"}:
        raise ValueError(by)
    rows = (
        _organisation_events(organisation=organisation, period=period)
        .filter(kind=kind)
        .values(by)
        .annotate(n=Count("id"))
        .order_by("-n", by)
    )
    return {row[by] or "": row["n"] for row in rows}
