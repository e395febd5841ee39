"""A connected host's secrets at rest (client secret, PKCE verifier, tokens): sealed with
common/sealing.py under the purpose "ob3client", bound to the host row and the secret's kind."""

from __future__ import annotations

from microcred_web.common.sealing import secret_seal, secret_unseal
from microcred_web.ob3client.models import ConnectedHost

PURPOSE = "ob3client"


def _aad(host: ConnectedHost, kind: str) -> bytes:
    return f"ob3client:{host.public_id}:{host.owner_id}:{kind}".encode()


def seal(host: ConnectedHost, kind: str, value: str) -> bytes:
    return secret_seal(value, aad=_aad(host, kind), purpose=PURPOSE) if value else b""


def unseal(host: ConnectedHost, kind: str, stored: bytes | memoryview) -> str:
    return secret_unseal(stored, aad=_aad(host, kind), purpose=PURPOSE) if stored else ""
