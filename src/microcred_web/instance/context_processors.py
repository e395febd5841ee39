"""Layout context: the impersonation banner and the operator's console link."""

from __future__ import annotations

from django.http import HttpRequest

from microcred_web.instance.models import Impersonation

SESSION_KEY = "instance_impersonation"


def operator(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    acting = None
    if session is not None and session.get(SESSION_KEY):
        acting = (
            Impersonation.objects.filter(pk=session[SESSION_KEY], ended_at__isnull=True)
            .select_related("member", "operator")
            .first()
        )
    return {
        "impersonation": acting,
        "is_operator": bool(user is not None and getattr(user, "is_operator", False)),
    }
