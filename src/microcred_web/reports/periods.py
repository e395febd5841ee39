"""A report's days as the instants that bound them (in the site's time zone)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """``start`` 00:00 (inclusive) and the midnight after ``end`` (exclusive)."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )
