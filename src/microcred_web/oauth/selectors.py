"""Reads for the authorization server: the apps a person allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from microcred_web.oauth.scopes import SCOPE_WORDS


@dataclass
class ConnectedApp:
    application: Application
    scopes: list[str]  # the scopes granted, as URIs
    since: datetime  # the first grant still in force

    @property
    def scope_words(self) -> list[str]:
        return [str(SCOPE_WORDS[s]) for s in self.scopes if s in SCOPE_WORDS]


def connected_apps_of(*, user: Any) -> list[ConnectedApp]:
    """Each client holding a live access token or an unrevoked refresh token of ``user``."""
    now = timezone.now()
    live_access = AccessToken.objects.filter(user_id=user.pk, application__isnull=False).filter(
        Q(expires__gt=now) | Q(refresh_token__isnull=False, refresh_token__revoked__isnull=True)
    )
    live_refresh = RefreshToken.objects.filter(user_id=user.pk, revoked__isnull=True)
    apps: dict[int, ConnectedApp] = {}
    rows = [(t.application, t.scope, t.created) for t in live_access.select_related("application")]
    rows += [
        (t.application, t.access_token.scope if t.access_token else "", t.created)
        for t in live_refresh.select_related("application", "access_token")
    ]
    for application, scope, created in rows:
        app = apps.setdefault(application.pk, ConnectedApp(application, [], created))
        app.scopes = list(dict.fromkeys([*app.scopes, *scope.split()]))
        app.since = min(app.since, created)
    return sorted(apps.values(), key=lambda a: a.since)


def application_by_pk(*, pk: int) -> Application | None:
    return Application.objects.filter(pk=pk).select_related("registration").first()
