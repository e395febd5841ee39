"""Reads owned by the common app."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from microcred_web.common.models import AuditEvent

#: the "who" filter's value for events no person did
SYSTEM_ACTOR = "system"


def audit_event_list(*, organisation: Any) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_filtered(
    *,
    organisation: Any,
    actor: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> models.QuerySet[AuditEvent]:
    """The organisation's events, newest first: ``actor`` a user id or ``SYSTEM_ACTOR``;
    ``action`` an action code or an area ending in "." (all of its actions); ``since`` and
    ``until`` whole days (inclusive) in the current time zone."""
    events = audit_event_list(organisation=organisation)
    if actor == SYSTEM_ACTOR:
        events = events.filter(actor__isnull=True)
    elif actor.isdigit():
        events = events.filter(actor_id=int(actor))
    if action.endswith("."):
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(created_at__gte=_day_start(since))
    if until is not None:
        events = events.filter(created_at__lt=_day_start(until + timedelta(days=1)))
    return events


def audit_actors(*, organisation: Any) -> list[tuple[int, str]]:
    """(user id, name) of everyone who did something recorded in the organisation, by name."""
    rows = (
        AuditEvent.objects.filter(organisation=organisation, actor__isnull=False)
        .order_by()
        .values_list("actor_id", "actor__display_name", "actor__email")
        .distinct()
    )
    people = {pk: name or email for pk, name, email in rows}
    return sorted(people.items(), key=lambda pair: pair[1].lower())
