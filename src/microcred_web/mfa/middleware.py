"""The second sign-in step and the enrolment requirement, and the record of one's sessions.

A person signed in with a password is held at the code step (when an authenticator is set up)
or at the enrolment page (when a role requires one) until it is done; only those pages, signing
out and choosing a language are reachable meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from microcred_web.accounts.models import User
from microcred_web.common.http import client_address
from microcred_web.mfa import selectors, services
from microcred_web.mfa.signals import PASSED_KEY

OPEN_WHILE_HELD = frozenset(
    {
        "mfa:verify",
        "mfa:enrol",
        "mfa:recovery_codes",
        "accounts:sign_out",
        "language_set",
        "javascript-catalog",
    }
)
SEEN_KEY = "mfa.seen"  # [session key, user id, epoch seconds] of the last record update
TOUCH_EVERY = 60.0
# [user id, epoch seconds]: this person needed no second step when last asked; asked again
# after RECHECK_EVERY (a role or policy change applies within a minute), not on every request
CLEAR_KEY = "mfa.clear"
RECHECK_EVERY = 60.0


class MfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            held = self._held_at(request, user)
            if held is not None:
                return held
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and request.session.session_key:
            self._touch(request, user)
        return response

    def _held_at(self, request: HttpRequest, user: User) -> HttpResponse | None:
        if request.session.get(PASSED_KEY) == user.pk:
            return None
        now = time.time()
        clear = request.session.get(CLEAR_KEY)
        if isinstance(clear, list) and clear[:1] == [user.pk] and now - clear[1] < RECHECK_EVERY:
            return None
        if selectors.device_confirmed(user=user) is not None:
            target = "mfa:verify"
        elif selectors.mfa_required_for(user=user):
            target = "mfa:enrol"
        else:
            request.session[CLEAR_KEY] = [user.pk, now]
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in OPEN_WHILE_HELD:
            return None
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))

    def _touch(self, request: HttpRequest, user: User) -> None:
        """Update the session's record at most once a minute (the mark lives in the session)."""
        key = request.session.session_key or ""
        now = time.time()
        mark = request.session.get(SEEN_KEY)
        if isinstance(mark, list) and mark[:2] == [key, user.pk] and now - mark[2] < TOUCH_EVERY:
            return
        services.session_touch(
            session_key=key,
            user=user,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            address=client_address(request),
        )
        request.session[SEEN_KEY] = [key, user.pk, now]
