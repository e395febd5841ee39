"""Reads for notifications (always for one person in one organisation)."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred_web.accounts.models import User
from microcred_web.notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
)
from microcred_web.orgs.models import Organisation


def notification_list(*, organisation: Organisation, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(organisation=organisation, user=user)


def notification_unread_count(*, organisation: Organisation, user: User) -> int:
    return (
        notification_list(organisation=organisation, user=user).filter(read_at__isnull=True).count()
    )


def notification_preferences(*, user: User) -> list[dict[str, object]]:
    """Every kind with its label and the person's two channel choices."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows: list[dict[str, object]] = []
    for value, label in NotificationKind.choices:
        preference = stored.get(value)
        rows.append(
            {
                "kind": value,
                "label": label,
                "in_app": preference.in_app if preference else True,
                "email": preference.email if preference else True,
            }
        )
    return rows
