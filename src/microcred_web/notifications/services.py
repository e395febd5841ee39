"""Writes for notifications: send (in the app and by e-mail, as each person prefers), mark
read, preferences. Every app that tells people something goes through
:func:`notification_send`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
)
from microcred_web.orgs.models import Organisation


def _channels(user: User, kind: str) -> tuple[bool, bool]:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if preference is None:
        return True, True
    return preference.in_app, preference.email


def notification_send(
    *,
    organisation: Organisation,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> Notification | None:
    """Tell ``user`` something: an in-app notification and/or an e-mail (sent after commit),
    each only if the person has not turned that channel off for ``kind``."""
    if kind not in NotificationKind.values:
        raise ApplicationError("notification_kind", f"Unknown notification kind {kind!r}.", "kind")
    in_app, email = _channels(user, kind)
    notification = None
    if in_app:
        notification = Notification.objects.create(
            organisation=organisation,
            user=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:500],
        )
    if email and user.email:
        from microcred_web.notifications.tasks import notification_email_send

        payload = {
            "email": user.email,
            "organisation": organisation.name,
            "title": title[:200],
            "body": body,
            "url": url,
        }
        transaction.on_commit(lambda: notification_email_send.enqueue(**payload))
    return notification


@transaction.atomic
def notifications_mark_read(
    *, organisation: Organisation, user: User, notification_ids: Iterable[int] | None = None
) -> int:
    """Mark the given notifications (all unread ones when ``None``) of ``user`` read."""
    queryset = Notification.objects.filter(
        organisation=organisation, user=user, read_at__isnull=True
    )
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(
    *, user: User, values: Mapping[str, Mapping[str, Any]], organisation: Organisation | None = None
) -> None:
    """``values``: ``{kind: {"in_app": bool, "email": bool}}``; unknown kinds are refused."""
    for kind, channels in values.items():
        if kind not in NotificationKind.values:
            raise ApplicationError("notification_kind", f"Unknown kind {kind!r}.", "kind")
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={
                "in_app": bool(channels.get("in_app")),
                "email": bool(channels.get("email")),
            },
        )
    audit_record(
        action="notifications.preferences_set",
        actor=user,
        organisation=organisation,
        data={"kinds": sorted(values)},
    )
