"""API authentication. Each scheme returns the acting ``User``; later issues add API keys by
appending another scheme to ``API_AUTH`` (ninja tries them in order)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from microcred_web.accounts.models import User


class SessionUserAuth(SessionAuth):
    """The browser session (with CSRF on unsafe methods), returning the signed-in person."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if isinstance(user, User) and user.is_active else None


API_AUTH: list[Any] = [SessionUserAuth()]


def api_user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - ninja guarantees authentication
        raise TypeError("API view reached without an authenticated user")
    return user
