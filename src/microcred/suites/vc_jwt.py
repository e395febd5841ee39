"""Credentials secured as JWTs (compact JWS): EdDSA, ES256 and RS256 only.

Two payload shapes:

* ``vc-jose-cose`` (W3C VC-JOSE-COSE, VC 2.0): the payload *is* the credential; the header
  carries ``typ: vc+jwt`` and ``cty: vc``.
* ``vc-jwt-1.1`` (VC-JWT 1.1, the OB 3.0 §8.2 shape): the credential sits in the ``vc`` claim,
  next to ``iss``, ``jti``, ``sub``, ``nbf`` and ``exp``; the header has ``typ: JWT``.

:func:`verify` reads both (and the 1EdTech fixtures' VC 2.0 payload under a plain ``alg`` +
``jwk`` header). ``alg: none`` and every algorithm outside the allow-list are refused with
a reason, before any key is touched. The key is always the caller's: a key embedded in the
header (``jwk``) proves nothing about the issuer by itself, so :func:`embedded_jwk` hands it
out separately and the caller decides, and says, whether to use it.

The JWS is built and checked here on top of :mod:`microcred.keys` (pyca/cryptography);
joserfc is the test oracle (it warns on ``EdDSA`` since RFC 9864, which this module keeps
for interoperability).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from microcred.errors import Error, InvalidJSON, Problem, SigningError
from microcred.keys import KeyPair, PublicKey

__all__ = [
    "ALLOWED_ALGORITHMS",
    "JwtCheck",
    "JwtShape",
    "decode_unverified",
    "embedded_jwk",
    "sign",
    "verify",
]

ALLOWED_ALGORITHMS: Final = ("EdDSA", "ES256", "RS256")
"""The JWS algorithms accepted; ``none``, HMAC and everything else are refused."""
MAX_TOKEN_CHARS: Final = 2 * 1024 * 1024

JwtShape = Literal["vc-jose-cose", "vc-jwt-1.1"]

_KEY_ALGORITHM: Final = {"EdDSA": "Ed25519", "ES256": "P-256", "RS256": "RSA"}
_COMPACT: Final = re.compile(r"\A([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\Z")


@dataclass(frozen=True, slots=True)
class JwtCheck:
    """Outcome of :func:`verify`. ``credential`` is the VC found in the payload, if any.

    ``nbf`` / ``exp`` are reported in ``claims`` but not judged: dates are the verifier's
    business, with its own clock.
    """

    ok: bool
    reason: str
    header: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, Any] = field(default_factory=dict)
    credential: Mapping[str, Any] | None = None
    shape: JwtShape | None = None


# --------------------------------------------------------------------------- encoding


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64url") from exc


def _json_segment(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64url_decode(text))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the JWT {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise ValueError(f"the JWT {what} is not a JSON object")
    return value


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWT, NOT verified (to look up ``kid`` or ``iss``).

    Raises :class:`~microcred.errors.InvalidJSON` when the token is malformed.
    """
    match = _COMPACT.match(token) if isinstance(token, str) else None
    if match is None or len(token) > MAX_TOKEN_CHARS:
        raise InvalidJSON("JWT", [Problem("$", "not a compact JWT (header.payload.signature)")])
    try:
        return _json_segment(match[1], "header"), _json_segment(match[2], "payload")
    except ValueError as exc:
        raise InvalidJSON("JWT", [Problem("$", str(exc))]) from exc


def embedded_jwk(token: str) -> PublicKey | None:
    """The public key in the header's ``jwk`` member, if there is a usable one.

    Such a key is self-asserted: using it checks integrity only, not who issued the token.
    """
    try:
        header, _ = decode_unverified(token)
        jwk = header.get("jwk")
        return PublicKey.from_jwk(jwk) if isinstance(jwk, Mapping) else None
    except Error:
        return None


# --------------------------------------------------------------------------- sign


def _epoch(value: Any, name: str) -> int:
    if not isinstance(value, str):
        raise SigningError(f"{name} must be an XML Schema dateTime string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise SigningError(f"{name} {value!r} is not an XML Schema dateTime") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    if isinstance(value, list) and len(value) == 1:
        return _id_of(value[0])
    return None


def _jwt_1_1_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    claims: dict[str, Any] = {"vc": dict(credential)}
    issuer = _id_of(credential.get("issuer"))
    if issuer is None:
        raise SigningError("the credential has no issuer id for the iss claim")
    claims["iss"] = issuer
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = _id_of(credential.get("credentialSubject"))
    if subject is not None:
        claims["sub"] = subject
    valid_from = credential.get("validFrom", credential.get("issuanceDate"))
    if valid_from is not None:
        claims["nbf"] = _epoch(valid_from, "validFrom")
    valid_until = credential.get("validUntil", credential.get("expirationDate"))
    if valid_until is not None:
        claims["exp"] = _epoch(valid_until, "validUntil")
    return claims


def sign(
    credential: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    shape: JwtShape = "vc-jose-cose",
    kid: str | None = None,
    embed_jwk: bool = False,
) -> str:
    """The credential as a compact JWS signed with ``key_pair`` (EdDSA, ES256 or RS256).

    ``kid`` defaults to ``key_pair.id``; ``embed_jwk`` also puts the public JWK in the header
    (the OB 3.0 fixtures do; verifiers must still tie it to the issuer).
    """
    if not isinstance(credential, Mapping):
        raise SigningError("the credential must be a JSON object")
    algorithm = key_pair.jws_algorithm
    header: dict[str, Any] = {"alg": algorithm, "kid": kid or key_pair.id}
    if shape == "vc-jose-cose":
        header.update(typ="vc+jwt", cty="vc")
        claims: dict[str, Any] = dict(credential)
    elif shape == "vc-jwt-1.1":
        header["typ"] = "JWT"
        claims = _jwt_1_1_claims(credential)
    else:
        raise SigningError(f"unknown JWT shape {shape!r}")
    if embed_jwk:
        header["jwk"] = key_pair.public.to_jwk()
    try:
        encoded_header = _b64url(json.dumps(header, separators=(",", ":")).encode())
        encoded_claims = _b64url(
            json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        )
    except (TypeError, ValueError) as exc:
        raise SigningError(f"the credential is not JSON-serializable: {exc}") from exc
    signing_input = f"{encoded_header}.{encoded_claims}"
    signature = key_pair.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


# --------------------------------------------------------------------------- verify


def verify(
    token: str,
    public_key: PublicKey,
    *,
    algorithms: tuple[str, ...] = ALLOWED_ALGORITHMS,
) -> JwtCheck:
    """Check a compact JWS credential against ``public_key``; never raises for a bad token."""
    match = _COMPACT.match(token) if isinstance(token, str) else None
    if match is None or len(token) > MAX_TOKEN_CHARS:
        return JwtCheck(False, "not a compact JWT (three base64url parts, signature included)")
    try:
        header = _json_segment(match[1], "header")
    except ValueError as exc:
        return JwtCheck(False, str(exc))
    problem = _header_problem(header, public_key, algorithms)
    if problem:
        return JwtCheck(False, problem, header)
    try:
        signature = _b64url_decode(match[3])
    except ValueError:
        return JwtCheck(False, "the JWT signature is not base64url", header)
    signing_input = f"{match[1]}.{match[2]}".encode("ascii")
    if not public_key.verify(signature, signing_input):
        return JwtCheck(False, f"the {header['alg']} signature does not match the key", header)
    try:
        claims = _json_segment(match[2], "payload")
    except ValueError as exc:
        return JwtCheck(False, str(exc), header)
    return _check_claims(header, claims)


def _header_problem(
    header: Mapping[str, Any], public_key: PublicKey, algorithms: tuple[str, ...]
) -> str | None:
    alg = header.get("alg")
    if not isinstance(alg, str):
        return "the JWT header has no alg"
    if alg.lower() == "none":
        return "alg 'none' (an unsigned JWT) is refused"
    if alg not in algorithms or alg not in _KEY_ALGORITHM:
        allowed = ", ".join(a for a in algorithms if a in _KEY_ALGORITHM)
        return f"JWT algorithm {alg!r} is not allowed (allowed: {allowed})"
    if "crit" in header:
        return f"the JWT header marks extensions critical ({header['crit']!r}); none is supported"
    if public_key.algorithm != _KEY_ALGORITHM[alg]:
        return f"alg {alg} needs a {_KEY_ALGORITHM[alg]} key, the key is {public_key.algorithm}"
    return None


def _check_claims(header: Mapping[str, Any], claims: Mapping[str, Any]) -> JwtCheck:
    vc = claims.get("vc")
    shape: JwtShape
    if isinstance(vc, Mapping):
        credential, shape = vc, "vc-jwt-1.1"
    elif "@context" in claims:
        credential, shape = claims, "vc-jose-cose"
    else:
        return JwtCheck(False, "the JWT payload holds no credential", header, claims)
    if shape == "vc-jwt-1.1":
        for claim, value, name in (
            ("iss", _id_of(credential.get("issuer")), "issuer id"),
            ("jti", credential.get("id"), "credential id"),
            ("sub", _id_of(credential.get("credentialSubject")), "credentialSubject id"),
        ):
            if claim in claims and value is not None and claims[claim] != value:
                reason = f"JWT claim {claim} {claims[claim]!r} differs from the {name} {value!r}"
                return JwtCheck(False, reason, header, claims, credential, shape)
    return JwtCheck(True, f"{header['alg']} signature is valid", header, claims, credential, shape)
