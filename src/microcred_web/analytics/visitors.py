"""The daily-rotating visitor hash: never a raw IP address."""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.http import HttpRequest

from microcred_web.common.http import client_address


def daily_salt(day: date) -> bytes:
    """A salt derived from the site secret and the date: yesterday's hashes cannot be
    linked to today's, and the salt itself is never stored."""
    return _salt(day, settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _salt(day: date, secret: str) -> bytes:  # computed once a day (per process), not per event
    return hashlib.sha256(
        f"microcred:analytics-visitor:{day.isoformat()}:{secret}".encode()
    ).digest()


def visitor_hash(request: HttpRequest, *, day: date) -> str:
    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:500]
    message = f"{client_address(request)}\n{agent}".encode()
    return hmac.new(daily_salt(day), message, hashlib.sha256).hexdigest()
