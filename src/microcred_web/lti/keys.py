"""The tool's RSA signing keys: private halves sealed at rest, public halves in the JWKS.

The newest unretired key signs. :func:`tool_key_rotate` adds a key and retires the older
ones; a retired key stays in the published set for ``RETIRED_KEYS_PUBLISHED_DAYS`` so tokens
a platform verifies late still check out.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from joserfc.jwk import RSAKey

from microcred_web.common.sealing import secret_seal, secret_unseal
from microcred_web.lti.models import ToolKey

SEALING_PURPOSE: Final = "lti-tool-key"
RETIRED_KEYS_PUBLISHED_DAYS: Final = 30
_signing_cache: dict[str, RSAKey] = {}


def _aad(kid: str) -> bytes:
    return f"lti-tool-key:{kid}".encode()


@transaction.atomic
def tool_key_rotate() -> ToolKey:
    """Make a new 2048-bit RSA signing key and retire the current ones."""
    now = timezone.now()
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    return _tool_key_create()


def _tool_key_create() -> ToolKey:
    kid = secrets.token_urlsafe(12)
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    pem = key.as_pem(private=True)
    pem_text = pem.decode() if isinstance(pem, bytes) else str(pem)
    return ToolKey.objects.create(
        kid=kid,
        private_pem_sealed=secret_seal(pem_text, aad=_aad(kid), purpose=SEALING_PURPOSE),
        public_jwk=dict(key.as_dict(private=False)),
    )


def signing_key() -> RSAKey:
    """The current signing key (the newest unretired one; made on first use — requests
    racing to make the first key each add one, all published, the newest signs)."""
    current = ToolKey.objects.filter(retired_at__isnull=True).first()
    if current is None:
        current = _tool_key_create()
    cached = _signing_cache.get(current.kid)
    if cached is None:
        pem = secret_unseal(
            current.private_pem_sealed, aad=_aad(current.kid), purpose=SEALING_PURPOSE
        )
        cached = RSAKey.import_key(
            pem, parameters={"kid": current.kid, "use": "sig", "alg": "RS256"}
        )
        _signing_cache.clear()
        _signing_cache[current.kid] = cached
    return cached


def published_key_set() -> dict[str, Any]:
    """The JWKS platforms verify our messages and client assertions with."""
    signing_key()  # there is always one key to publish
    since = timezone.now() - timedelta(days=RETIRED_KEYS_PUBLISHED_DAYS)
    rows = ToolKey.objects.filter(retired_at__isnull=True) | ToolKey.objects.filter(
        retired_at__gte=since
    )
    return {"keys": [dict(row.public_jwk) for row in rows.order_by("-created_at")]}
