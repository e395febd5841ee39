"""The relying party's side of OpenID Connect, over the guarded fetcher only.

Discovery (OpenID Connect Discovery 1.0 §4: the document's ``issuer`` must equal the
configured issuer exactly), the authorization request (Core §3.1.2.1 with PKCE S256, RFC 7636),
the token request (Core §3.1.3.1, client_secret_basic or client_secret_post) and the JWKS.
Private addresses and plain http are allowed only when the operator says so
(``MICROCRED_SSO_ALLOW_PRIVATE`` / ``MICROCRED_SSO_ALLOW_HTTP``), as for webhooks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

from microcred.strict_json import loads_strict
from microcred_web.common.safe_fetch import UnsafeFetch, safe_fetch
from microcred_web.common.safe_post import safe_post

_JSON_TYPES = frozenset({"application/json", "application/jwk-set+json"})
_REQUIRED_METADATA = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allow_private() -> bool:
    return bool(getattr(settings, "MICROCRED_SSO_ALLOW_PRIVATE", False))


def allow_http() -> bool:
    return bool(getattr(settings, "MICROCRED_SSO_ALLOW_HTTP", False))


def _get_json(url: str) -> dict[str, Any]:
    try:
        document = safe_fetch(
            url,
            max_bytes=200_000,
            timeout=5.0,
            content_types=_JSON_TYPES,
            allow_private=allow_private(),
            allow_http=allow_http(),
        )
    except UnsafeFetch as exc:
        raise ProviderError(exc.message) from exc
    try:
        value = loads_strict(document.body)
    except Exception as exc:  # the core's InvalidInput, RecursionError
        raise ProviderError(f"{url} did not answer with JSON") from exc
    if not isinstance(value, dict):
        raise ProviderError(f"{url} did not answer with a JSON object")
    return value


def _endpoint_ok(url: object) -> bool:
    if not isinstance(url, str):
        return False
    return url.startswith("https://") or (allow_http() and url.startswith("http://"))


def discovery_fetch(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, checked (issuer identical, endpoints present)."""
    metadata = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise ProviderError(
            f"the provider calls itself {metadata.get('issuer')!r}, not {issuer!r}: "
            "enter its issuer exactly"
        )
    for name in _REQUIRED_METADATA:
        if not _endpoint_ok(metadata.get(name)):
            raise ProviderError(f"the provider's discovery document has no usable {name}")
    methods = metadata.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise ProviderError("the provider does not support PKCE with S256")
    return metadata


def jwks_fetch(metadata: dict[str, Any]) -> dict[str, Any]:
    keys = _get_json(str(metadata["jwks_uri"]))
    if not isinstance(keys.get("keys"), list):
        raise ProviderError("the provider's key set has no keys")
    return keys


def pkce_pair() -> tuple[str, str]:
    """``(verifier, S256 challenge)`` (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    metadata: dict[str, Any],
    *,
    client_id: str,
    redirect_uri: str,
    scopes: str,
    state: str,
    nonce: str,
    code_challenge: str,
) -> str:
    endpoint = str(metadata["authorization_endpoint"])
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return endpoint + ("&" if "?" in endpoint else "?") + query


def token_exchange(
    metadata: dict[str, Any],
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> str:
    """Trade the code for tokens; the ID token (compact JWS)."""
    form: dict[str, str] = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:
        form.update(client_id=client_id, client_secret=client_secret)
    try:
        answer = safe_post(
            str(metadata["token_endpoint"]),
            body=urlencode(form).encode("ascii"),
            headers=headers,
            timeout=10.0,
            max_bytes=200_000,
            allow_private=allow_private(),
            allow_http=allow_http(),
        )
    except UnsafeFetch as exc:
        raise ProviderError(exc.message) from exc
    try:
        reply = json.loads(answer.body)
    except ValueError as exc:
        raise ProviderError(f"the token endpoint answered HTTP {answer.status}, not JSON") from exc
    if answer.status != 200 or not isinstance(reply, dict):
        error = reply.get("error", "") if isinstance(reply, dict) else ""
        raise ProviderError(f"the provider refused the code (HTTP {answer.status} {error})")
    id_token = reply.get("id_token")
    if not isinstance(id_token, str):
        raise ProviderError("the provider's answer has no ID token: is the openid scope on?")
    return id_token
