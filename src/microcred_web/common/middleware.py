"""Request middleware: ApplicationError mapping, the signed-in person's language, and the
session, authentication and messages middleware that step aside for session-less requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx


def application_error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """One ApplicationError, three renderings: JSON (API), partial (HTMX), page (browser)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_json(), status=error.status)
    if is_htmx(request):
        response = render(
            request, "common/partials/_error.html", {"error": error}, status=error.status
        )
        response["HX-Retarget"] = "#htmx-errors"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "common/error.html", {"error": error}, status=error.status)


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return application_error_response(request, exception)
        return None


class UserLanguageMiddleware:
    """A signed-in person's preferred language wins over the cookie and the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language:
            available = {code for code, _name in settings.LANGUAGES}
            if language in available:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "en")
        return response


# --------------------------------------------------------------------------- session-less


def sessionless(request: HttpRequest) -> bool:
    """True for a request without any cookie to one of ``SESSIONLESS_PATHS``.

    Without a cookie there is no session and nobody is signed in (sign-in is by session
    only), so loading an empty session, resolving the anonymous user and preparing message
    storage would change nothing for those views, which never write a session or a message.
    A request with any cookie takes the ordinary path.
    """
    if request.META.get("HTTP_COOKIE"):
        return False
    return request.path_info in getattr(settings, "SESSIONLESS_PATHS", ())


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, stepping aside for :func:`sessionless` requests (their answer still says it
    varies with cookies: with one, it may differ)."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if sessionless(request):
            response = cast(HttpResponseBase, self.get_response(request))
            patch_vary_headers(response, ("Cookie",))
            return response
        return cast(HttpResponseBase, super().__call__(request))


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's; a :func:`sessionless` request is anonymous."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if sessionless(request):
            request.user = AnonymousUser()
            return cast(HttpResponseBase, self.get_response(request))
        return cast(HttpResponseBase, super().__call__(request))


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's, stepping aside for :func:`sessionless` requests (no messages to carry)."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if sessionless(request):
            return cast(HttpResponseBase, self.get_response(request))
        return cast(HttpResponseBase, super().__call__(request))
