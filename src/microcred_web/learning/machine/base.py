"""What the engines share: their configuration, their one error, a guarded JSON POST."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import UnsafeFetch, service_post

DEFAULT_ALLOWED_HOSTS = ("api.deepl.com", "api-free.deepl.com", "libretranslate.com")


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    endpoint: str = ""
    api_key: str = ""
    model: str = ""


class MachineTranslationError(ApplicationError):
    """The engine failed; the message names it. Nothing was written."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(
            "machine_translation",
            _("%(service)s could not translate: %(reason)s") % {"service": label, "reason": reason},
            field="backend",
            status=502,
        )


def allowed_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "MICROCRED_MT_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS))


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _error_detail(body: bytes) -> str:
    """The service's own error message when it sent one (LibreTranslate, DeepL, OpenAI)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value.strip():
                return value.strip()[:200]
    return ""


def post_json(label: str, url: str, payload: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
    """POST ``payload`` as JSON; the decoded answer, or :class:`MachineTranslationError`."""
    try:
        status, document = service_post(
            url,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
            allowed_hosts=allowed_hosts(),
            timeout=float(getattr(settings, "MICROCRED_MT_TIMEOUT", 20.0)),
        )
    except UnsafeFetch as exc:
        raise MachineTranslationError(label, exc.message) from exc
    if not 200 <= status < 300:
        detail = _error_detail(document.body)
        reason = _("the service answered HTTP %(status)d") % {"status": status}
        raise MachineTranslationError(label, f"{reason} ({detail})" if detail else reason)
    try:
        return json.loads(document.body)
    except ValueError as exc:
        raise MachineTranslationError(label, _("the answer is not JSON")) from exc


def strings(label: str, value: Any, count: int) -> list[str]:
    """``value`` must be a list of ``count`` strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MachineTranslationError(label, _("the answer is not a list of texts"))
    if len(value) != count:
        raise MachineTranslationError(
            label,
            _("the answer has %(got)d texts for %(sent)d sent")
            % {"got": len(value), "sent": count},
        )
    return list(value)
