"""Request middleware: ApplicationError mapping and the signed-in person's language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation

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
