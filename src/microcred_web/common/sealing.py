"""Service secrets at rest (API keys of configured services): AES-256-GCM under the same
key-encryption key (``MICROCRED_KEY_ENCRYPTION_KEY``) as issuer keys, with its own HKDF label.
Unsealing also accepts the previous KEKs of the keyring (common/kek.py) during a rotation.

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

from microcred_web.common.errors import ApplicationError
from microcred_web.common.kek import current_kek, kek_ring

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
    return _aead(current_kek(), purpose)


def _open(nonce: bytes, body: bytes, aad: bytes, purpose: str) -> tuple[bytes, bool]:
    """Decrypt with the keyring: (plaintext, sealed under the current KEK?)."""
    for index, kek in enumerate(kek_ring()):
        try:
            return _aead(kek, purpose).decrypt(nonce, body, aad), index == 0
        except InvalidTag:
            continue
    raise InvalidTag


def secret_seal(secret: str, *, aad: bytes, purpose: str = "service") -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _FORMAT_V1 + nonce + _current(purpose).encrypt(nonce, secret.encode("utf-8"), aad)


def secret_is_current(sealed: bytes | memoryview, *, aad: bytes, purpose: str = "service") -> bool:
    """Whether a stored secret is sealed under the current KEK (kek_rotate skips it then)."""
    data = bytes(sealed)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        return _current(purpose).decrypt(nonce, body, aad) is not None
    except InvalidTag:
        return False


def secret_unseal(sealed: bytes | memoryview, *, aad: bytes, purpose: str = "service") -> str:
    data = bytes(sealed)
    if not data.startswith(_FORMAT_V1) or len(data) < 1 + _NONCE_BYTES + 16:
        raise ApplicationError("secret_unreadable", "The stored secret is malformed.", status=500)
    nonce, body = data[1 : 1 + _NONCE_BYTES], data[1 + _NONCE_BYTES :]
    try:
        return _open(nonce, body, aad, purpose)[0].decode("utf-8")
    except InvalidTag as exc:
        raise ApplicationError(
            "secret_unreadable",
            "A stored secret cannot be decrypted: is MICROCRED_KEY_ENCRYPTION_KEY the one it "
            "was created with?",
            status=500,
        ) from exc
