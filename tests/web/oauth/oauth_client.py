"""A small OAuth 2.0 client for the tests: registers (RFC 7591), runs authorization code + PKCE
(RFC 7636) through the Django test client with a signed-in person consenting, and exchanges
codes and refresh tokens with HTTP Basic client authentication (RFC 6749 §2.3.1)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django.urls import reverse

from microcred_web.oauth.scopes import ALL_SCOPES

REDIRECT_URI = "http://127.0.0.1:8765/callback"


def registration_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_name": "Badge Shelf",
        "client_uri": "https://shelf.example/",
        "logo_uri": "https://shelf.example/logo.png",
        "tos_uri": "https://shelf.example/terms",
        "policy_uri": "https://shelf.example/privacy",
        "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
        "software_version": "1.2.0",
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": " ".join(ALL_SCOPES),
    }
    body.update(overrides)
    return body


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


@dataclass
class OAuthClient:
    http: Client
    client_id: str
    client_secret: str
    scope: str = " ".join(ALL_SCOPES)

    @classmethod
    def register(cls, http: Client, **overrides: Any) -> OAuthClient:
        response = http.post(
            reverse("oauth:register"),
            data=json.dumps(registration_body(**overrides)),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        reply = response.json()
        return cls(http, reply["client_id"], reply["client_secret"], reply["scope"])

    def basic(self) -> str:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def authorize_url(self, challenge: str, *, method: str = "S256", **extra: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": self.scope,
            "state": "xyz-state",
            "code_challenge": challenge,
            "code_challenge_method": method,
            **extra,
        }
        return reverse("oauth:authorize") + "?" + urlencode(params)

    def consent(self, challenge: str, **extra: str) -> str:
        """GET the consent page, allow, and return the authorization code."""
        page = self.http.get(self.authorize_url(challenge, **extra))
        assert page.status_code == 200, page.content
        form = page.context["form"]
        data = {name: form[name].value() or "" for name in form.fields if name != "allow"}
        response = self.http.post(reverse("oauth:authorize"), {**data, "allow": "Authorize"})
        assert response.status_code == 302, response.content
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["state"] == ["xyz-state"]
        return query["code"][0]

    def token(self, **data: str) -> Any:
        return self.http.post(reverse("oauth:token"), data, HTTP_AUTHORIZATION=self.basic())

    def exchange(self, code: str, verifier: str) -> Any:
        return self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=REDIRECT_URI,
            code_verifier=verifier,
        )

    def tokens_for(self) -> dict[str, Any]:
        verifier, challenge = pkce_pair()
        response = self.exchange(self.consent(challenge), verifier)
        assert response.status_code == 200, response.content
        return dict(response.json())
