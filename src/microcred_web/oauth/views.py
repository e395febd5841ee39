"""The authorization server's pages: the consent page, client registration, connected apps.

The token, revocation and introspection endpoints are django-oauth-toolkit's own views
(mounted in urls.py); this module adds what OB 3.0 and the people using it need.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView

from microcred_web.common.errors import ApplicationError
from microcred_web.oauth import selectors, services
from microcred_web.oauth.registration import client_register, registration_reply
from microcred_web.oauth.scopes import ORG_SCOPE_WORDS, SCOPE_WORDS


class ConsentView(AuthorizationView):  # type: ignore[misc]
    """The authorization endpoint: asks the signed-in person, in plain words, to allow a client."""

    template_name = "oauth/consent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["scope_words"] = [str(SCOPE_WORDS[s]) for s in scopes if s in SCOPE_WORDS]
        application = context.get("application")
        context["registration"] = getattr(application, "registration", None)
        return context


@csrf_exempt
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 registration endpoint (open, as OB 3.0 §6.2 requires)."""
    if request.method != "POST":
        return JsonResponse(
            {"error": "invalid_request", "error_description": "Use POST."}, status=405
        )
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        data = None
    try:
        registered, metadata = client_register(data=data)
    except ApplicationError as exc:
        return JsonResponse(
            {"error": exc.code, "error_description": exc.message},
            status=400,
            headers={"Cache-Control": "no-store"},
        )
    return JsonResponse(
        registration_reply(registered, metadata),
        status=201,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@login_required
def connected_apps(request: HttpRequest) -> HttpResponse:
    apps = selectors.connected_apps_of(user=request.user)
    return render(request, "oauth/connected_apps.html", {"apps": apps})


@login_required
@require_POST
def connected_app_revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    mine = {a.application.pk: a for a in selectors.connected_apps_of(user=request.user)}
    if application_id not in mine:
        raise Http404
    application = mine[application_id].application
    services.connected_app_revoke(user=request.user, application=application)
    messages.success(
        request, _("%(name)s can no longer use your account.") % {"name": application.name}
    )
    return redirect("oauth:connected_apps")


def server_metadata(request: HttpRequest) -> HttpResponse:
    """RFC 8414 authorization server metadata, for clients that discover the server that way."""
    base = str(settings.BASE_URL).rstrip("/")
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": base + reverse("oauth:authorize"),
            "token_endpoint": base + reverse("oauth:token"),
            "registration_endpoint": base + reverse("oauth:register"),
            "revocation_endpoint": base + reverse("oauth:revoke"),
            "introspection_endpoint": base + reverse("oauth:introspect"),
            "scopes_supported": [*SCOPE_WORDS, *ORG_SCOPE_WORDS],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
        }
    )
