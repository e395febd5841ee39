"""Endpoint secrets and Standard Webhooks signatures.

A secret is ``whsec_`` + base64 of 32 random bytes, shown once; at rest it is sealed with
AES-256-GCM under the operator's key-encryption key (the one that protects issuer keys,
stretched with its own HKDF label), bound to its endpoint so a copied row does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from microcred_web.common.sealing import secret_seal, secret_unseal

PREFIX = "whsec_"
_SECRET_BYTES = 32


def secret_generate() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")


def _aad(endpoint_public_id: str) -> bytes:
    return f"microcred-webhook-secret:{endpoint_public_id}".encode()


def seal(secret: str, *, endpoint_public_id: str) -> bytes:
    return secret_seal(secret, aad=_aad(endpoint_public_id), purpose="webhook")


def unseal(sealed: bytes | memoryview, *, endpoint_public_id: str) -> str:
    return secret_unseal(sealed, aad=_aad(endpoint_public_id), purpose="webhook")


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets_: Sequence[str], *, msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature per valid secret, space-separated (rotation grace: old and new)."""
    return " ".join(signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_)
