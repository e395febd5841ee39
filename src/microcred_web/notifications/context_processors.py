"""The unread-notification count shown by the bell in the header."""

from __future__ import annotations

from django.http import HttpRequest

from microcred_web.notifications.selectors import notification_unread_count
from microcred_web.orgs.access import current_org_context


def unread(request: HttpRequest) -> dict[str, object]:
    ctx = current_org_context(request)
    if ctx is None:
        return {}
    return {
        "notification_count": notification_unread_count(
            organisation=ctx.organisation, user=ctx.user
        )
    }
