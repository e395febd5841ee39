"""Frames for LTI sessions only.

An LMS shows a launched tool in an iframe. Every microcred page answers
``X-Frame-Options: DENY`` and sets its cookies ``SameSite=Lax``, which stops both framing
and cookies in a cross-site frame. A session that an LTI launch signed in carries the
platform's origin (``lti_frame_origin``); only its responses are relaxed:

- ``X-Frame-Options`` is dropped for ``Content-Security-Policy: frame-ancestors 'self'
  <that origin>`` (that one LMS may frame, nobody else);
- over HTTPS, the session and CSRF cookies are re-issued ``SameSite=None; Secure`` so the
  browser sends them inside the LMS frame (CSRF tokens still guard every form).

Sessions started by signing in on microcred itself keep ``DENY`` and ``Lax``. (The
refusal page of a failed launch may be framed by anyone, so the LMS shows why; it has no
controls worth clickjacking: see ``views._error``.)
Placed before SessionMiddleware, so its response phase runs after every other one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "lti_frame_origin"


class LtiFrameMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not session.modified:
            return response
        accessed = session.accessed  # peeking must not add "Vary: Cookie" to public pages
        origin = session.get(SESSION_KEY, "")
        session.accessed = accessed
        if not origin:
            return response
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        ancestors = f"frame-ancestors 'self' {origin}"
        policy = response.get("Content-Security-Policy", "")
        if "frame-ancestors" not in policy:
            response["Content-Security-Policy"] = f"{policy}; {ancestors}" if policy else ancestors
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
