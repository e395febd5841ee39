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
from microcred_web.notifications.emails import notification_email_queue, unsubscribe_token_read
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
    email_template: str = "",
    email_context: Mapping[str, Any] | None = None,
    badge_url: str = "",
) -> Notification | None:
    """Tell ``user`` something: an in-app notification and/or an e-mail (sent after commit),
    each only if the person has not turned that channel off for ``kind``.

    The e-mail is ``email_template`` (a kind of :mod:`microcred_web.common.email`) rendered
    with ``email_context`` in the recipient's language; without one, a generic e-mail repeats
    ``title`` and ``body``."""
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
        notification_email_queue(
            organisation=organisation,
            user=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            template=email_template,
            context=email_context,
            badge_url=badge_url,
        )
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


@transaction.atomic
def notification_unsubscribe(*, token: str) -> tuple[User, str] | None:
    """The one-click unsubscribe: turn off e-mail for the token's person and kind (the in-app
    channel stays as it was). None for a token that is not ours."""
    found = unsubscribe_token_read(token)
    if found is None or found[1] not in NotificationKind.values:
        return None
    user = User.objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return None
    kind = found[1]
    preference, _created = NotificationPreference.objects.get_or_create(
        user=user, kind=kind, defaults={"in_app": True, "email": False}
    )
    if preference.email:
        preference.email = False
        preference.save(update_fields=["email"])
    audit_record(
        action="notifications.unsubscribed", actor=user, data={"kind": kind, "channel": "email"}
    )
    return user, kind
