"""Sign-ins that do not go through the password form are marked: single sign-on and LMS
launches (the identity provider or LMS authenticated the person, and does MFA itself) and an
operator's "act as" (the operator already signed in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from microcred_web.mfa import services

PASSED_KEY = "mfa.passed"  # the user id whose second step is done (or not needed) here
EXEMPT_NAMESPACES = frozenset({"sso", "lti"})
EXEMPT_VIEWS = frozenset({"instance:impersonate", "instance:impersonation_stop", "instance:setup"})


def sign_in_exempt(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    return match.namespace in EXEMPT_NAMESPACES or match.view_name in EXEMPT_VIEWS


@receiver(user_logged_in, dispatch_uid="mfa.user_logged_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if sign_in_exempt(request):
        request.session[PASSED_KEY] = user.pk
    else:
        request.session.pop(PASSED_KEY, None)


@receiver(user_logged_out, dispatch_uid="mfa.user_logged_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        services.session_forget(session_key=key)
