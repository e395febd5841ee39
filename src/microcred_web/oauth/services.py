"""Writes of the authorization server (registration lives in registration.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from microcred_web.common.services import audit_record


@transaction.atomic
def connected_app_revoke(*, user: Any, application: Application) -> int:
    """Withdraw everything ``user`` granted ``application``; returns the tokens withdrawn."""
    now = timezone.now()
    refresh = RefreshToken.objects.filter(
        user_id=user.pk, application=application, revoked__isnull=True
    )
    access = AccessToken.objects.filter(user_id=user.pk, application=application)
    count = int(refresh.update(revoked=now)) + int(access.count())
    access.delete()
    Grant.objects.filter(user_id=user.pk, application=application).delete()
    audit_record(
        action="oauth.app_revoked",
        actor=user,
        target=application,
        data={"client_id": application.client_id, "tokens": count},
    )
    return count
