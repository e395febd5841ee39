"""Bearer tokens issued by our authorization server, checked per endpoint for one scope:
no or a malformed Authorization header → 401, an invalid/expired/revoked token → 401 with
``error="invalid_token"``, a valid token without the scope → 403 ``insufficient_scope``.
A validated token is remembered per process for at most 1 s (oauth/token_cache.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from oauth2_provider.contrib.ninja import HttpOAuth2

from microcred_web.oauth.token_cache import token_cached, token_remember
from microcred_web.ob3.status_info import scope_insufficient, token_invalid, token_missing


class ScopedBearer(HttpOAuth2):  # type: ignore[misc]
    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        super().__init__(scopes=[])  # the scope is checked below, to tell 401 from 403
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            raise token_missing()
        raw = header[7:].strip()
        token = token_cached(raw)
        if token is None:
            token = super().__call__(request)
            if token is None:
                raise token_invalid()
            token_remember(raw, token)
        if token.user is None or not token.user.is_active:  # e.g. an organisation client's
            raise token_invalid()
        if not token.allow_scopes([self.scope]):
            raise scope_insufficient(self.scope)
        return token
