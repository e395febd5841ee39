"""When a credential ends (``validUntil``), from its achievement version's expiry policy.

A renewal (recertification) is the same achievement issued again to someone whose credential
is ending; what its end date is depends on the policy (docs/decisions/0035):

- no expiry: none;
- a number of months: counted from the renewal date (renewing early does not carry days over);
- a fixed date: the version's date when it is later than the old end date (the admin set the
  next cycle's date), else the old end date moved on by whole years until it lies after the
  renewal date (the next yearly cycle).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time

from microcred_web.achievements.models import AchievementVersion, ExpiryPolicy

#: a fixed-date achievement's cycle when the admin has not set a later date
FIXED_DATE_CYCLE_MONTHS = 12


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def valid_until_for(
    version: AchievementVersion, issued_at: datetime, renews_until: datetime | None = None
) -> datetime | None:
    """``validUntil`` from the version's expiry policy (end of day UTC for fixed dates).

    ``renews_until`` is the end date of the credential this one renews, if it is a renewal.
    """
    if version.expiry_policy == ExpiryPolicy.FIXED_DATE and version.expiry_date:
        fixed = _end_of_day(version.expiry_date)
        if renews_until is None or fixed > renews_until:
            return fixed
        return _next_cycle(renews_until, issued_at)
    if version.expiry_policy == ExpiryPolicy.MONTHS and version.expiry_months:
        issued = issued_at.astimezone(UTC)
        day = add_months(issued.date(), int(version.expiry_months))
        return datetime.combine(day, issued.time().replace(microsecond=0), tzinfo=UTC)
    return None


def _next_cycle(old_end: datetime, renewed_at: datetime) -> datetime:
    """The old end date moved on by whole cycles until it lies after ``renewed_at``."""
    first = old_end.astimezone(UTC).date()
    cycles = 1
    while True:
        end = _end_of_day(add_months(first, FIXED_DATE_CYCLE_MONTHS * cycles))
        if end > renewed_at:
            return end
        cycles += 1
