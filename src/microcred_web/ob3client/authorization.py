"""The OAuth 2.0 client side of connecting a host: dynamic registration (RFC 7591 with the
OB 3.0 fields), the authorization request with PKCE S256 (RFC 7636), the code exchange and the
refresh (RFC 6749 §4.1.3, §6; client_secret_basic), and revocation (RFC 7009)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.ob3client.discovery import HostEndpoints
from microcred_web.ob3client.transport import HostAnswer, HostError, failure_words, host_request

OB_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
#: what a wallet asks a host for: send credentials there and take the host's credentials home
WANTED_SCOPES = (OB_SCOPE + "credential.upsert", OB_SCOPE + "credential.readonly")
SOFTWARE_ID = "microcred-ob3-client"  # the same for every microcred instance
SOFTWARE_VERSION = "1.0"


def redirect_uri() -> str:
    return str(settings.BASE_URL).rstrip("/") + reverse("ob3client:callback")


def _site(path: str = "/") -> str:
    return str(settings.BASE_URL).rstrip("/") + path


@dataclass(frozen=True)
class Registration:
    client_id: str
    client_secret: str
    scope: str


def scopes_to_ask(endpoints: HostEndpoints) -> str:
    offered = [s for s in WANTED_SCOPES if s in endpoints.scopes]
    if not offered:
        raise HostError(
            _("The host does not let wallets send or read credentials (no OB 3.0 scope)."),
            "base_url",
        )
    return " ".join(offered)


def client_register(endpoints: HostEndpoints) -> Registration:
    """Register this instance as a client of the host (once per person and host)."""
    site_name = urlsplit(_site()).hostname or "microcred"
    body = {
        "client_name": f"microcred wallet ({site_name})",
        "client_uri": _site("/"),
        "tos_uri": _site("/"),
        "policy_uri": _site("/"),
        "software_id": SOFTWARE_ID,
        "software_version": SOFTWARE_VERSION,
        "redirect_uris": [redirect_uri()],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scopes_to_ask(endpoints),
    }
    answer = host_request(
        "POST",
        endpoints.registration_url,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        field="base_url",
    )
    if answer.status not in (200, 201):
        raise HostError(failure_words(answer), "base_url")
    reply = answer.json()
    client_id = reply.get("client_id") if isinstance(reply, dict) else None
    if not isinstance(client_id, str) or not client_id:
        raise HostError(_("The host's registration answer has no client_id."), "base_url")
    secret = reply.get("client_secret")
    return Registration(
        client_id,
        secret if isinstance(secret, str) else "",
        str(reply.get("scope") or body["scope"]),
    )


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_request_url(
    *, authorization_url: str, client_id: str, scope: str, state: str, challenge: str
) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri(),
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in authorization_url else "?"
    return f"{authorization_url}{separator}{query}"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str  # "" when the host gave none (then the old one is kept)
    expires_at: datetime
    scope: str


def _basic(client_id: str, client_secret: str) -> str:
    pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _token_call(
    token_url: str, client_id: str, client_secret: str, form: dict[str, str]
) -> HostAnswer:
    return host_request(
        "POST",
        token_url,
        body=urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": _basic(client_id, client_secret),
        },
    )


def _tokens_from(answer: HostAnswer, scope: str) -> Tokens:
    reply = answer.json()
    token = reply.get("access_token") if isinstance(reply, dict) else None
    if not isinstance(token, str) or not token:
        raise HostError(_("The host's token answer has no access token."))
    lifetime = reply.get("expires_in")
    seconds = int(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else 3600
    refresh = reply.get("refresh_token")
    return Tokens(
        access_token=token,
        refresh_token=refresh if isinstance(refresh, str) else "",
        expires_at=timezone.now() + timedelta(seconds=seconds),
        scope=str(reply.get("scope") or scope),
    )


def code_exchange(
    *, token_url: str, client_id: str, client_secret: str, code: str, verifier: str, scope: str
) -> Tokens:
    answer = _token_call(
        token_url,
        client_id,
        client_secret,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": verifier,
        },
    )
    if not answer.ok:
        raise HostError(failure_words(answer))
    return _tokens_from(answer, scope)


class RefreshRefused(HostError):
    """The host no longer accepts the refresh token (revoked, expired or replayed)."""


def token_refresh(
    *, token_url: str, client_id: str, client_secret: str, refresh_token: str, scope: str
) -> Tokens:
    answer = _token_call(
        token_url,
        client_id,
        client_secret,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
    )
    if answer.status in (400, 401):
        raise RefreshRefused(
            _("The host no longer accepts this connection: connect again. %(said)s")
            % {"said": failure_words(answer)}
        )
    if not answer.ok:
        raise HostError(failure_words(answer))
    return _tokens_from(answer, scope)


def token_revoke(
    *, revocation_url: str, client_id: str, client_secret: str, token: str, hint: str
) -> bool:
    """RFC 7009: True when the host confirmed (200)."""
    answer = _token_call(
        revocation_url, client_id, client_secret, {"token": token, "token_type_hint": hint}
    )
    return answer.status == 200
