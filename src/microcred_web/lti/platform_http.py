"""Calls to a platform (its keys, token, gradebook and roster services) through the guarded
fetcher's rules: https to a public address, resolved once, size and time caps, no redirects.

``MICROCRED_LTI_ALLOW_PRIVATE`` / ``MICROCRED_LTI_ALLOW_HTTP`` (operator settings, default
off) let an on-premises LMS on a private network (and the tests' platform on loopback) in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from microcred_web.common.safe_fetch import (
    UnsafeFetch,
    _check_target,
    _fetch_once,
    _Request,
    system_resolve,
    tls_open,
)

__all__ = ["PlatformAnswer", "UnsafeFetch", "platform_request"]

_TIMEOUT_SECONDS = 10.0
_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class PlatformAnswer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise UnsafeFetch("the platform's answer is not JSON") from exc

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def platform_request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> PlatformAnswer:
    """One request to a platform; the answer whatever its status (UnsafeFetch if refused)."""
    allow_private = bool(getattr(settings, "MICROCRED_LTI_ALLOW_PRIVATE", False))
    allow_http = bool(getattr(settings, "MICROCRED_LTI_ALLOW_HTTP", False))
    target = _check_target(url, system_resolve, allow_private=allow_private, allow_http=allow_http)
    request = _Request(method, body, dict(headers or {}), target.scheme == "http")
    deadline = time.monotonic() + _TIMEOUT_SECONDS
    status, _location, document = _fetch_once(
        target, tls_open, deadline, _TIMEOUT_SECONDS, _MAX_BYTES, request
    )
    if document is None:
        raise UnsafeFetch(f"the platform answered HTTP {status} without a body we can use")
    return PlatformAnswer(status, document.content_type, document.body)
