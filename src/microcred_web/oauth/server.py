"""The oauthlib server django-oauth-toolkit runs (``OAUTH2_SERVER_CLASS``), offering only the
S256 PKCE method: a "plain" challenge is refused before the consent page is shown
(django-oauth-toolkit alone refuses it only after the person has consented)."""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2 import Server
from oauthlib.oauth2.rfc6749.grant_types import AuthorizationCodeGrant


class S256OnlyServer(Server):  # type: ignore[misc]
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)
        methods = AuthorizationCodeGrant._code_challenge_methods
        self.auth_grant._code_challenge_methods = {"S256": methods["S256"]}
