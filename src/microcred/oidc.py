"""OpenID Connect ID token validation (OpenID Connect Core 1.0 §3.1.3.7), pure and offline.

:func:`id_token_validate` checks a compact-JWS ID token against the provider's published
JWKS and the values the relying party expects: the signature (RS256, ES256 or EdDSA only —
``alg: none`` and HMAC algorithms are refused before any key is touched, so a public key can
never be used as an HMAC secret), ``iss``, ``aud`` (and ``azp`` when there are several
audiences), ``exp``, ``iat``, ``nbf`` and the ``nonce`` the relying party sent. Time comes in
as ``now``. Every refusal raises :class:`IdTokenRejected` with a reason a person can read.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from microcred.errors import Error

__all__ = ["ALLOWED_ALGORITHMS", "IdTokenClaims", "IdTokenRejected", "id_token_validate"]

ALLOWED_ALGORITHMS: Final = ("RS256", "ES256", "EdDSA", "Ed25519")
"""Asymmetric algorithms only; ``Ed25519`` is the RFC 9864 name of EdDSA over Ed25519."""
MAX_TOKEN_CHARS: Final = 64 * 1024


class IdTokenRejected(Error):
    """The ID token is not acceptable; the message says why."""


@dataclass(frozen=True, slots=True)
class IdTokenClaims:
    """The claims of an accepted ID token (``claims`` holds all of them)."""

    issuer: str
    subject: str
    claims: Mapping[str, Any]


def _header(token: str) -> Mapping[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise IdTokenRejected("the ID token is not a signed JWT (three dot-separated parts)")
    try:
        padded = parts[0] + "=" * (-len(parts[0]) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise IdTokenRejected("the ID token's header is not readable") from exc
    if not isinstance(header, dict):
        raise IdTokenRejected("the ID token's header is not a JSON object")
    return header


def _signature_check(token: str, jwks: Mapping[str, Any]) -> Mapping[str, Any]:
    header = _header(token)
    algorithm = header.get("alg")
    if algorithm not in ALLOWED_ALGORITHMS:
        raise IdTokenRejected(
            f"the ID token is signed with {algorithm!r}; only RS256, ES256 and EdDSA are accepted"
        )
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise IdTokenRejected("the provider's key set (JWKS) is not readable") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc warns on EdDSA since RFC 9864
            decoded = jwt.decode(token, keys, algorithms=list(ALLOWED_ALGORITHMS))
    except JoseError as exc:
        raise IdTokenRejected(
            f"the ID token's signature does not verify with the provider's keys ({exc.error})"
        ) from exc
    except (ValueError, TypeError) as exc:
        raise IdTokenRejected("the ID token's signature does not verify") from exc
    return decoded.claims


def _number(claims: Mapping[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IdTokenRejected(f"the ID token's {name!r} claim is missing or not a number")
    return float(value)


def _audience_check(claims: Mapping[str, Any], client_id: str) -> None:
    audience = claims.get("aud")
    audiences: Sequence[Any] = [audience] if isinstance(audience, str) else audience or []
    if not isinstance(audiences, list) or client_id not in audiences:
        raise IdTokenRejected("the ID token was issued to another client (aud)")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenRejected("the ID token names several audiences but not us as azp")


def _time_check(claims: Mapping[str, Any], now: float, leeway: float, max_age: float) -> None:
    expires = _number(claims, "exp", required=True)
    issued = _number(claims, "iat", required=True)
    not_before = _number(claims, "nbf", required=False)
    assert expires is not None and issued is not None
    if now > expires + leeway:
        raise IdTokenRejected("the ID token has expired (exp)")
    if issued > now + leeway:
        raise IdTokenRejected("the ID token was issued in the future (iat)")
    if now - issued > max_age + leeway:
        raise IdTokenRejected("the ID token was issued too long ago (iat)")
    if not_before is not None and not_before > now + leeway:
        raise IdTokenRejected("the ID token is not valid yet (nbf)")


def id_token_validate(
    token: str,
    *,
    jwks: Mapping[str, Any],
    issuer: str,
    client_id: str,
    nonce: str,
    now: datetime,
    leeway_seconds: float = 60.0,
    max_age_seconds: float = 600.0,
) -> IdTokenClaims:
    """Validate ``token`` as described in the module docstring; the accepted claims."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise IdTokenRejected("the ID token is missing or too long")
    claims = _signature_check(token, jwks)
    if claims.get("iss") != issuer:
        raise IdTokenRejected("the ID token comes from another issuer (iss)")
    _audience_check(claims, client_id)
    _time_check(claims, now.timestamp(), leeway_seconds, max_age_seconds)
    if not nonce or claims.get("nonce") != nonce:
        raise IdTokenRejected("the ID token does not answer this sign-in (nonce)")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise IdTokenRejected("the ID token has no usable subject (sub)")
    return IdTokenClaims(issuer=issuer, subject=subject, claims=dict(claims))
