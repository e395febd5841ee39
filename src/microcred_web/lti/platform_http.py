"""Calls to a platform (its keys, token, gradebook and roster services) through the guarded
fetcher's rules: https to a public address, resolved once, size and time caps, no redirects.

``MICROCRED_LTI_ALLOW_PRIVATE`` / ``MICROCRED_LTI_ALLOW_HTTP`` (operator settings, default
off) let an on-premises LMS on a private network (and the tests' platform on loopback) in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from microcred_web.common.safe_fetch import UnsafeFetch, _media_type
from microcred_web.common.safe_post import safe_request

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
    answer = safe_request(
        method,
        url,
        body=body,
        headers=dict(headers or {}),
        timeout=_TIMEOUT_SECONDS,
        max_bytes=_MAX_BYTES,
        allow_private=allow_private,
        allow_http=allow_http,
    )
    if answer.status in (301, 302, 303, 307, 308):
        raise UnsafeFetch(f"the platform answered HTTP {answer.status} (a redirect; not followed)")
    if answer.truncated:
        raise UnsafeFetch(f"the platform's answer is larger than {_MAX_BYTES:,} bytes")
    content_type = _media_type(answer.headers.get("content-type"))
    return PlatformAnswer(answer.status, content_type, answer.body)
