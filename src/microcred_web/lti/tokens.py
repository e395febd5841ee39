"""JWTs both ways: platform id_tokens checked against the platform's keys, and the tool's
own signed messages (client assertions for the token service, deep linking responses)."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlencode

from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from microcred.lti.claims import (
    CLAIM_DEPLOYMENT_ID,
    CLAIM_DL_CONTENT_ITEMS,
    CLAIM_DL_DATA,
    CLAIM_MESSAGE_TYPE,
    CLAIM_VERSION,
    DEEP_LINKING_RESPONSE,
    LaunchRefused,
)
from microcred_web.lti.keys import signing_key
from microcred_web.lti.models import Platform
from microcred_web.lti.platform_http import UnsafeFetch, platform_request

ALGORITHMS = ["RS256", "RS384", "RS512"]
#: how long fetched platform keys are trusted before a refetch (an unknown kid refetches)
KEYS_FRESH_SECONDS = 3600
_keys_lock = threading.Lock()
_key_sets: dict[int, tuple[float, KeySet]] = {}
_access_tokens: dict[tuple[int, str], tuple[float, str]] = {}


def _fetch_key_set(platform: Platform) -> dict[str, Any]:
    try:
        answer = platform_request("GET", platform.jwks_url, headers={"Accept": "application/json"})
    except UnsafeFetch as exc:
        raise LaunchRefused("jwks", f"the platform's keys could not be fetched: {exc}") from exc
    if not answer.ok:
        raise LaunchRefused("jwks", f"the platform's key set answered HTTP {answer.status}")
    document = answer.json()
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise LaunchRefused("jwks", "the platform's key set is not a JWKS")
    Platform.objects.filter(pk=platform.pk).update(
        jwks_cache=document, jwks_fetched_at=timezone.now()
    )
    return document


@lru_cache(maxsize=64)
def _static_key_set(document: str) -> KeySet:
    try:
        return KeySet.import_key_set(json.loads(document))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise LaunchRefused("jwks", "the platform's pasted key set holds unreadable keys") from exc


def platform_key_set(platform: Platform, *, refresh: bool = False) -> KeySet:
    """The platform's public keys: pasted ones, else fetched (cached in memory and in the DB)."""
    if platform.jwks_static.get("keys"):
        return _static_key_set(json.dumps(platform.jwks_static, sort_keys=True))
    with _keys_lock:
        cached = _key_sets.get(platform.pk)
    if cached is not None and not refresh and time.monotonic() - cached[0] < KEYS_FRESH_SECONDS:
        return cached[1]
    if not platform.jwks_url:
        raise LaunchRefused("jwks", "the platform has neither a key set URL nor pasted keys")
    document = _fetch_key_set(platform)
    try:
        key_set = KeySet.import_key_set(cast("Any", document))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise LaunchRefused("jwks", "the platform's key set holds unreadable keys") from exc
    with _keys_lock:
        _key_sets[platform.pk] = (time.monotonic(), key_set)
    return key_set


def platform_keys_forget() -> None:
    """Drop cached keys and tokens (tests; a key rotation the platform announced)."""
    with _keys_lock:
        _key_sets.clear()
        _access_tokens.clear()


def _header(token: str) -> dict[str, Any]:
    try:
        head = token.split(".", 1)[0]
        decoded = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, IndexError) as exc:
        raise LaunchRefused("id_token", "the id_token is not a JWT") from exc
    if not isinstance(decoded, dict):
        raise LaunchRefused("id_token", "the id_token is not a JWT")
    return decoded


def unverified_issuer(token: str) -> tuple[str, Any]:
    """The ``iss`` and ``aud`` of a token before its signature is checked (to find the
    registration whose keys check it)."""
    try:
        body = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, IndexError) as exc:
        raise LaunchRefused("id_token", "the id_token is not a JWT") from exc
    if not isinstance(claims, dict):
        raise LaunchRefused("id_token", "the id_token is not a JWT")
    return str(claims.get("iss") or ""), claims.get("aud")


def id_token_verify(platform: Platform, token: str) -> dict[str, Any]:
    """The claims of ``token`` if the platform signed it (else LaunchRefused on 'signature')."""
    header = _header(token)
    if header.get("alg") not in ALGORITHMS:
        raise LaunchRefused("signature", "the id_token must be signed with RS256 (or RS384/512)")
    key_set = platform_key_set(platform)
    kid = header.get("kid")
    if kid and all(key.kid != kid for key in key_set.keys) and not platform.jwks_static:
        key_set = platform_key_set(platform, refresh=True)  # the platform rotated its key
    try:
        decoded = jwt.decode(token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise LaunchRefused("signature", "the id_token's signature does not verify") from exc
    return dict(decoded.claims)


def tool_jwt(claims: dict[str, Any]) -> str:
    key = signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


def deep_linking_response(
    *,
    platform: Platform,
    deployment_id: str,
    content_items: list[dict[str, Any]],
    data: str = "",
) -> str:
    """The signed LtiDeepLinkingResponse (Deep Linking 2.0 §4.2)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": [platform.issuer],
        "iat": now,
        "exp": now + 300,
        "nonce": secrets.token_urlsafe(16),
        CLAIM_DEPLOYMENT_ID: deployment_id,
        CLAIM_MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        CLAIM_VERSION: "1.3.0",
        CLAIM_DL_CONTENT_ITEMS: content_items,
    }
    if data:
        claims[CLAIM_DL_DATA] = data
    return tool_jwt(claims)


class ServiceError(Exception):
    """A platform service (token, gradebook, roster) refused or failed; says why."""


def access_token(platform: Platform, scopes: list[str]) -> str:
    """An OAuth 2 access token from the platform (client credentials with a JWT assertion,
    1EdTech Security Framework §4.1), cached until shortly before it expires."""
    scope = " ".join(sorted(scopes))
    cache_key = (platform.pk, scope)
    with _keys_lock:
        cached = _access_tokens.get(cache_key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    now = int(time.time())
    assertion = tool_jwt(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        }
    )
    form = urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        }
    ).encode()
    try:
        answer = platform_request(
            "POST",
            platform.token_url,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            body=form,
        )
    except UnsafeFetch as exc:
        raise ServiceError(f"the platform's token service could not be reached: {exc}") from exc
    if not answer.ok:
        raise ServiceError(f"the platform's token service answered HTTP {answer.status}")
    try:
        document = answer.json()
    except UnsafeFetch as exc:
        raise ServiceError(str(exc)) from exc
    token = document.get("access_token") if isinstance(document, dict) else None
    if not isinstance(token, str) or not token:
        raise ServiceError("the platform's token service sent no access_token")
    lifetime = int(document.get("expires_in") or 3600)
    with _keys_lock:
        _access_tokens[cache_key] = (time.monotonic() + max(lifetime - 60, 0), token)
    return token
