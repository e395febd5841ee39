"""Calls to an external OB 3.0 host, all through the guarded outbound request
(:func:`~microcred_web.common.safe_post.safe_request`): https to public addresses only, unless
the operator allows private addresses / plain http (``MICROCRED_OB3_CLIENT_ALLOW_PRIVATE`` /
``_ALLOW_HTTP``, for on-premises hosts and tests on loopback). A host's refusal
(``Imsx_StatusInfo`` or an OAuth error body) is turned into a sentence a person can read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import UnsafeFetch
from microcred_web.common.safe_post import safe_request

USER_AGENT = "microcred-ob3-client/1"
MAX_ANSWER_BYTES = 4_000_000


class HostError(ApplicationError):
    """The host could not be reached, or refused; ``message`` says which in plain words."""

    def __init__(self, message: str, field: str | None = None, status: int = 502) -> None:
        super().__init__("host_error", message, field, status)


@dataclass(frozen=True)
class HostAnswer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HostError(
                _("The host did not answer with JSON (HTTP status %(status)s).")
                % {"status": self.status}
            ) from exc


def host_request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    field: str | None = None,
) -> HostAnswer:
    """One guarded exchange with the host; refusals of the guard become a HostError."""
    try:
        answer = safe_request(
            method,
            url,
            body=body,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=float(getattr(settings, "MICROCRED_OB3_CLIENT_TIMEOUT", 15.0)),
            max_bytes=MAX_ANSWER_BYTES,
            allow_private=bool(getattr(settings, "MICROCRED_OB3_CLIENT_ALLOW_PRIVATE", False)),
            allow_http=bool(getattr(settings, "MICROCRED_OB3_CLIENT_ALLOW_HTTP", False)),
            user_agent=USER_AGENT,
        )
    except UnsafeFetch as exc:
        raise HostError(
            _("The host could not be reached: %(reason)s.") % {"reason": exc.message}, field
        ) from exc
    if answer.truncated:
        raise HostError(_("The host's answer is too large."), field)
    return HostAnswer(answer.status, answer.headers, answer.body)


def _status_info_words(document: Mapping[str, Any]) -> str:
    description = str(document.get("imsx_description") or "").strip()
    minor = ""
    fields = (document.get("imsx_codeMinor") or {}).get("imsx_codeMinorField") or []
    if isinstance(fields, list) and fields and isinstance(fields[0], dict):
        minor = str(fields[0].get("imsx_codeMinorFieldValue") or "")
    return " ".join(p for p in (description, f"({minor})" if minor else "") if p)


def failure_words(answer: HostAnswer) -> str:
    """What the host said when it refused: its Imsx_StatusInfo or OAuth error, in words."""
    try:
        document = json.loads(answer.body)
    except ValueError:
        document = None
    said = ""
    if isinstance(document, dict) and "imsx_codeMajor" in document:
        said = _status_info_words(document)
    elif isinstance(document, dict) and isinstance(document.get("error"), str):
        said = str(document.get("error_description") or document["error"])
    if said:
        return _("The host refused (HTTP %(status)s): %(said)s") % {
            "status": answer.status,
            "said": said[:300],
        }
    return _("The host answered with HTTP status %(status)s.") % {"status": answer.status}
