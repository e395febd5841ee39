"""The e-mail copy of a notification: the kind's template in the shared layout, in the
recipient's language, with the preferences link and a signed one-click unsubscribe URL
(notification e-mails are never essential: each person may turn a kind off)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.common.email import (
    email_queue,
    email_render,
    language_for,
    preferences_url_for,
    recipient_name,
)
from microcred_web.orgs.models import Organisation

UNSUBSCRIBE_SALT = "microcred.notifications.unsubscribe"
GENERIC_TEMPLATE = "notifications/email/notification"


def unsubscribe_token(*, user: User, kind: str) -> str:
    """Signed (HMAC with the site's secret) and so not guessable; it names one person and
    one kind and does not expire, like the unsubscribe links of every mailing list."""
    return signing.dumps([user.pk, kind], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        return None
    return value[0], value[1]


def unsubscribe_url(*, user: User, kind: str) -> str:
    return reverse(
        "notifications:unsubscribe", kwargs={"token": unsubscribe_token(user=user, kind=kind)}
    )


def notification_email_queue(
    *,
    organisation: Organisation,
    user: User,
    kind: str,
    title: str,
    body: str,
    url: str,
    template: str = "",
    context: Mapping[str, Any] | None = None,
    badge_url: str = "",
) -> None:
    """Render now (in the recipient's language) and send after commit."""
    rendered = email_render(
        template=template or GENERIC_TEMPLATE,
        language=language_for(user=user, organisation=organisation),
        organisation=organisation,
        greeting_name=recipient_name(user),
        button_url=url,
        context={"title": title, "body": body, "recipient": user, **(context or {})},
        badge_url=badge_url,
        preferences_url=preferences_url_for(organisation),
        unsubscribe_url=unsubscribe_url(user=user, kind=kind),
    )
    email_queue(email=rendered, to=[user.email])
