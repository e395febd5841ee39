"""Service secrets at rest (API keys of configured services): AES-256-GCM under the same
key-encryption key (``MICROCRED_KEY_ENCRYPTION_KEY``) as issuer keys, with its own HKDF label.

A sealed value is ``b"\\x01" + nonce(12) + ciphertext||tag``; the associated data names the
organisation and the purpose, so a ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from microcred_web.common.errors import ApplicationError

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12


@lru_cache(maxsize=8)
def _aead(kek: str, purpose: str) -> AESGCM:
    """One key per purpose ("service", "webhook"), stretched from the key-encryption key."""
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=f"microcred {purpose} secrets".encode(),
        info=f"microcred:{purpose}-secret-encryption:v1".encode(),
    ).derive(kek.encode("utf-8"))
    return AESGCM(key)


def _current(purpose: str) -> AESGCM:
    kek = str(getattr(settings, "MICROCRED_KEY_ENCRYPTION_KEY", "") or "")
    if len(kek) < 16:
        raise ApplicationError(
            "kek_missing",
            "MICROCRED_KEY_ENCRYPTION_KEY is not configured (at least 16 characters).",
            status=500,
        )
    return _aead(kek, purpose)


def secret_seal(secret: str, *, aad: bytes, purpose: str = "service") -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _FORMAT_V1 + nonce + _current(purpose).encrypt(nonce, secret.encode("utf-8"), aad)


def secret_unseal(sealed: bytes | memoryview, *, aad: bytes, purpose: str = "service") -> str:
    data = bytes(sealed)
    if not data.startswith(_FORMAT_V1) or len(data) < 1 + _NONCE_BYTES + 16:
        raise ApplicationError("secret_unreadable", "The stored secret is malformed.", status=500)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        return _current(purpose).decrypt(nonce, body, aad).decode("utf-8")
    except InvalidTag as exc:
        raise ApplicationError(
            "secret_unreadable",
            "A stored secret cannot be decrypted: is MICROCRED_KEY_ENCRYPTION_KEY the one it "
            "was created with?",
            status=500,
        ) from exc
