"""Keyed hashes for values we must be able to compare but must not store (IPs, tokens)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under the site secret, separated by ``purpose``."""
    key = hashlib.sha256(f"microcred:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """Unkeyed SHA-256 of a high-entropy random token (stored instead of the token)."""
    return hashlib.sha256(token.encode()).hexdigest()
