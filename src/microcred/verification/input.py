"""Input decoding for the verifier: JSON text/object, compact JWT, baked PNG/SVG.

Nothing here raises anything but :class:`microcred.errors.Error` subclasses for bad input.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from microcred.errors import BakingError, InvalidJSON, LimitExceeded, Problem
from microcred.model import MAX_DOCUMENT_BYTES, check_limits
from microcred.strict_json import loads_strict

_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: JWS algorithms accepted for VC-JWT, with the key algorithm each needs.
JWT_ALGORITHMS: dict[str, str] = {
    "EdDSA": "Ed25519",
    "Ed25519": "Ed25519",
    "ES256": "P-256",
    "ES384": "P-384",
    "RS256": "RSA",
}


#: Registered JWT claims (RFC 7519 §4.1) plus ``cnf``.
JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf"})


@dataclass(frozen=True, slots=True)
class Jwt:
    """A compact JWS split into its parts (the signature is not checked here)."""

    token: str
    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    signing_input: bytes
    signature: bytes


@dataclass(slots=True)
class Decoded:
    """What the input held: ``container`` (json, jwt, png, svg) and the credential JSON."""

    container: str
    document: Mapping[str, Any]
    jwt: Jwt | None = None
    notes: list[str] = field(default_factory=list)


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidJSON("not base64url", [Problem("$", str(exc))]) from exc


def parse_json_text(text: str | bytes) -> Any:
    """Parse JSON with the size and depth limits, strictly (:func:`loads_strict`: duplicate
    keys, lone surrogates, NaN/Infinity and invalid UTF-8 are refused with their path)."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise LimitExceeded(
            "document refused", [Problem("$", f"larger than {MAX_DOCUMENT_BYTES} bytes")]
        )
    try:
        value = loads_strict(text)
    except RecursionError as exc:
        raise LimitExceeded("document refused", [Problem("$", "nested too deeply")]) from exc
    check_limits(value)
    return value


def split_jwt(token: str) -> Jwt:
    """Split and decode a compact JWS (header and payload must be JSON objects)."""
    if len(token) > MAX_DOCUMENT_BYTES:
        raise LimitExceeded(
            "JWT refused", [Problem("$", f"larger than {MAX_DOCUMENT_BYTES} bytes")]
        )
    if not _JWT.match(token):
        raise InvalidJSON("not a compact JWT", [Problem("$", "expected header.payload.signature")])
    head, body, signature = token.split(".")
    header = parse_json_text(b64url_decode(head))
    payload = parse_json_text(b64url_decode(body))
    if not isinstance(header, Mapping):
        raise InvalidJSON("bad JWT", [Problem("$.header", "the JOSE header is not a JSON object")])
    if not isinstance(payload, Mapping):
        raise InvalidJSON("bad JWT", [Problem("$.payload", "the payload is not a JSON object")])
    return Jwt(token, header, payload, f"{head}.{body}".encode("ascii"), b64url_decode(signature))


def credential_from_jwt(jwt: Jwt) -> dict[str, Any]:
    """The credential a VC-JWT carries.

    VC 2.0 (VC-JOSE-COSE): the payload is the credential. VC 1.1 (JWT-VC): the ``vc`` claim,
    completed from the registered claims (iss, jti, nbf, exp, sub) as the VC 1.1 rules say.
    """
    payload = jwt.payload
    vc = payload.get("vc")
    if not isinstance(vc, Mapping):
        # VC-JOSE-COSE: the registered JWT claims sit beside the credential's properties;
        # they are JOSE metadata, not JSON-LD terms of the credential.
        return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    credential = dict(vc)
    if isinstance(payload.get("iss"), str) and "issuer" not in credential:
        credential["issuer"] = payload["iss"]
    if isinstance(payload.get("jti"), str) and "id" not in credential:
        credential["id"] = payload["jti"]
    for claim, name in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        value = payload.get(claim)
        if isinstance(value, int) and not isinstance(value, bool) and name not in credential:
            credential[name] = _epoch_to_datetime(value)
    subject = credential.get("credentialSubject")
    if isinstance(payload.get("sub"), str) and isinstance(subject, Mapping) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": payload["sub"]}
    return credential


def _epoch_to_datetime(seconds: int) -> str:
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def _extract_baked(data: bytes) -> tuple[str, str]:
    """(container, payload text) from a baked PNG or SVG, through :mod:`microcred.baking`."""
    try:
        baking: Any = importlib.import_module("microcred.baking")
    except ImportError as exc:
        raise BakingError("reading baked images needs microcred.baking") from exc
    baked = baking.extract(data)
    payload = baked.payload
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    if not isinstance(payload, str):
        payload = json.dumps(payload)
    container = "png" if data.startswith(_PNG_MAGIC) else "svg"
    return container, payload


def decode_input(data: str | bytes | Mapping[str, Any]) -> Decoded:
    """Turn whatever was given into the credential JSON (raises microcred errors only)."""
    if isinstance(data, Mapping):
        check_limits(data)
        return Decoded("json", data)
    container = "json"
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > 8 * MAX_DOCUMENT_BYTES:
            raise LimitExceeded("input refused", [Problem("$", "larger than 8 MB")])
        head = raw[:512].lstrip()
        if raw.startswith(_PNG_MAGIC) or head.startswith(b"<"):
            container, text = _extract_baked(raw)
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InvalidJSON(
                    "unreadable input",
                    [Problem("$", "neither UTF-8 JSON, a JWT, nor a baked PNG/SVG")],
                ) from exc
    elif isinstance(data, str):
        text = data
        if text.lstrip().startswith("<"):
            container, text = _extract_baked(text.encode("utf-8"))
    else:
        raise InvalidJSON("unsupported input", [Problem("$", f"cannot read {type(data).__name__}")])
    stripped = text.strip()
    if _JWT.match(stripped):
        jwt = split_jwt(stripped)
        return Decoded("jwt" if container == "json" else container, credential_from_jwt(jwt), jwt)
    value = parse_json_text(stripped)
    if not isinstance(value, Mapping):
        raise InvalidJSON("not a credential", [Problem("$", "the JSON is not an object")])
    return Decoded(container, value)


__all__ = [
    "JWT_ALGORITHMS",
    "Decoded",
    "Jwt",
    "credential_from_jwt",
    "decode_input",
    "parse_json_text",
    "split_jwt",
]
