"""The log key of an organisation: an Ed25519 seed sealed at rest (common/sealing.py)."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings

from microcred.tlog import NoteSigner
from microcred_web.common.sealing import secret_seal, secret_unseal

_PURPOSE = "transparency-log"


def log_origin(slug: str) -> str:
    """``<host>/o/<slug>/log``: the log's name in its checkpoints and its key's name."""
    parts = urlsplit(str(settings.BASE_URL))
    host = (parts.hostname or "localhost").lower()
    if parts.port:
        host += f":{parts.port}"
    return f"{host}/o/{slug}/log"


def _aad(origin: str) -> bytes:
    return f"transparency-log:{origin}".encode()


def log_key_create(origin: str) -> tuple[NoteSigner, bytes]:
    """A new signer and its sealed seed."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = secret_seal(base64.b64encode(seed).decode(), aad=_aad(origin), purpose=_PURPOSE)
    return NoteSigner(origin, private), sealed


def log_signer(origin: str, sealed: bytes | memoryview) -> NoteSigner:
    seed = base64.b64decode(secret_unseal(sealed, aad=_aad(origin), purpose=_PURPOSE))
    return NoteSigner(origin, Ed25519PrivateKey.from_private_bytes(seed))
