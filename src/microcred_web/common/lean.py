"""Lean routes: a few hot, public, cookie-less endpoints served with a short middleware chain.

The public verification API answers thousands of requests a second from anonymous clients.
For such a request, most of the site's middleware changes nothing: without a cookie there is
no session, nobody is signed in (sign-in is by session only), no message to carry and no CSRF
token to check (the view is CSRF-exempt); the URL is known without resolving it. A request to
a path in ``LEAN_ROUTES`` **without any cookie** is therefore handled by a Django WSGI handler
of its own, whose chain is ``LEAN_MIDDLEWARE`` (security headers, language, host check,
framing) around the route's view, with an anonymous ``request.user``. Everything else —
including the same path with any cookie — goes to the ordinary application.

It is Django's own handler (signals, exception handling, response logging, closing), with a
different middleware chain; a test compares both paths' answers header by header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

View = Callable[[HttpRequest], HttpResponseBase]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LeanHandler(WSGIHandler):
    """Django's WSGI handler with ``middleware`` around one view instead of the site's."""

    def __init__(self, view: View, middleware: Sequence[str]) -> None:
        self._view = view
        self._middleware = tuple(middleware)
        super().__init__()  # calls load_middleware

    def load_middleware(self, is_async: bool = False) -> None:
        """The chain BaseHandler.get_response runs: ``middleware`` around the view, built as
        Django builds settings.MIDDLEWARE around URL resolving (nothing of the site's chain
        is instantiated)."""
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        chain: Any = convert_exception_to_response(self._view)  # sync all the way
        for path in reversed(self._middleware):
            chain = convert_exception_to_response(import_string(path)(chain))
        self._chain: View = chain
        self._middleware_chain = convert_exception_to_response(self._anonymous)

    def _anonymous(self, request: HttpRequest) -> HttpResponseBase:
        """Where the site's session and authentication middleware would be, outermost."""
        request.user = AnonymousUser()
        response = self._chain(request)
        # with a cookie the answer may differ (the ordinary path, maybe signed in)
        patch_vary_headers(response, ("Cookie",))
        return response


class LeanRoutes:
    """The WSGI application: cookie-less requests to ``routes`` take their lean handler."""

    def __init__(self, app: WSGIApp, routes: Mapping[str, str], middleware: Sequence[str]):
        self._app = app
        self._handlers = {
            path: LeanHandler(import_string(view), middleware) for path, view in routes.items()
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        handler = self._handlers.get(environ.get("PATH_INFO", ""))
        if handler is None or environ.get("HTTP_COOKIE"):
            return self._app(environ, start_response)
        response = handler(environ, start_response)
        if getattr(response, "streaming", True):
            return response
        # a whole body: one bytes object in a list, which a WSGI server sends in one write
        # (granian without iterating the response from its own threads); closing it ends the
        # request as the server would after sending (request_finished, closing resources)
        try:
            return [b"".join(response)]
        finally:
            response.close()


def lean_routes(app: WSGIApp) -> WSGIApp:
    """``app`` behind the lean routes of the settings (``app`` itself when there are none)."""
    routes: Mapping[str, str] = getattr(settings, "LEAN_ROUTES", {})
    if not routes:
        return app
    return LeanRoutes(app, routes, getattr(settings, "LEAN_MIDDLEWARE", ()))
