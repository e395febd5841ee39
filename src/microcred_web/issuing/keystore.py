"""Issuer secret keys at rest: AES-256-GCM under the key-encryption key (KEK) from settings.

The KEK comes from ``MICROCRED_KEY_ENCRYPTION_KEY`` (or ./var/key_encryption_key, created once)
and is stretched with HKDF-SHA256, so any high-entropy string works. Unsealing also accepts the
previous KEKs of the keyring (common/kek.py) while ``kek_rotate`` re-seals. A sealed value is
``b"\\x01" + nonce(12) + ciphertext||tag``; the associated data binds it to its organisation and
key id, so a ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from microcred_web.common.errors import ApplicationError
from microcred_web.common.kek import current_kek, kek_ring

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12


@lru_cache(maxsize=4)
def _aead(kek: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"microcred issuer keys",
        info=b"microcred:issuer-key-encryption:v1",
    ).derive(kek.encode("utf-8"))
    return AESGCM(key)


def _current() -> AESGCM:
    return _aead(current_kek())


def _open(nonce: bytes, body: bytes, aad: bytes) -> bytes:
    """Decrypt with the current KEK, else with a previous one of the keyring (rotation)."""
    for kek in kek_ring():
        try:
            return _aead(kek).decrypt(nonce, body, aad)
        except InvalidTag:
            continue
    raise InvalidTag


def is_current(sealed: bytes | memoryview, *, aad: bytes) -> bool:
    """Whether a stored key is sealed under the current KEK (kek_rotate skips it then)."""
    data = bytes(sealed)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        return _current().decrypt(nonce, body, aad) is not None
    except InvalidTag:
        return False


def associated_data(*, organisation_id: int, key_id: str) -> bytes:
    return f"microcred-issuer-key:{organisation_id}:{key_id}".encode()


def seal(secret: bytes, *, aad: bytes) -> bytes:
    """Encrypt a secret key for storage."""
    nonce = os.urandom(_NONCE_BYTES)
    return _FORMAT_V1 + nonce + _current().encrypt(nonce, secret, aad)


def unseal(sealed: bytes | memoryview, *, aad: bytes) -> bytes:
    """Decrypt a stored secret key; a wrong KEK or a tampered value is an ApplicationError."""
    data = bytes(sealed)
    if not data.startswith(_FORMAT_V1) or len(data) < 1 + _NONCE_BYTES + 16:
        raise ApplicationError("key_unreadable", "The stored issuer key is malformed.", status=500)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        return _open(nonce, body, aad)
    except InvalidTag as exc:
        raise ApplicationError(
            "key_unreadable",
            "The issuer key cannot be decrypted: is MICROCRED_KEY_ENCRYPTION_KEY the one it "
            "was created with?",
            status=500,
        ) from exc
