"""Endpoint secrets and Standard Webhooks signatures.

A secret is ``whsec_`` + base64 of 32 random bytes, shown once; at rest it is sealed with
AES-256-GCM under the operator's key-encryption key (the one that protects issuer keys,
stretched with its own HKDF label), bound to its endpoint so a copied row does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from microcred_web.common.errors import ApplicationError

PREFIX = "whsec_"
_SECRET_BYTES = 32
_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12


def secret_generate() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")


@lru_cache(maxsize=4)
def _aead(kek: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"microcred webhook secrets",
        info=b"microcred:webhook-secret-encryption:v1",
    ).derive(kek.encode("utf-8"))
    return AESGCM(key)


def _current() -> AESGCM:
    kek = str(getattr(settings, "MICROCRED_KEY_ENCRYPTION_KEY", "") or "")
    if len(kek) < 16:
        raise ApplicationError(
            "kek_missing",
            "MICROCRED_KEY_ENCRYPTION_KEY is not configured (at least 16 characters).",
            status=500,
        )
    return _aead(kek)


def _aad(endpoint_public_id: str) -> bytes:
    return f"microcred-webhook-secret:{endpoint_public_id}".encode()


def seal(secret: str, *, endpoint_public_id: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _current().encrypt(nonce, secret.encode("ascii"), _aad(endpoint_public_id))
    return _FORMAT_V1 + nonce + sealed


def unseal(sealed: bytes | memoryview, *, endpoint_public_id: str) -> str:
    data = bytes(sealed)
    if not data.startswith(_FORMAT_V1) or len(data) < 1 + _NONCE_BYTES + 16:
        raise ApplicationError("secret_unreadable", "The stored secret is malformed.", status=500)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        plain = _current().decrypt(nonce, body, _aad(endpoint_public_id))
    except InvalidTag as exc:
        raise ApplicationError(
            "secret_unreadable",
            "The webhook secret cannot be decrypted: is MICROCRED_KEY_ENCRYPTION_KEY the one "
            "it was created with?",
            status=500,
        ) from exc
    return plain.decode("ascii")


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets_: Sequence[str], *, msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature per valid secret, space-separated (rotation grace: old and new)."""
    return " ".join(signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_)
