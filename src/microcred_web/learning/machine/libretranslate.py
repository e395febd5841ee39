"""LibreTranslate: ``POST /translate`` with ``q`` (a list), ``source``, ``target``,
``format=html`` and an optional ``api_key``; answers ``{"translatedText": [...]}``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from microcred_web.learning.machine.base import ServiceConfig, chunks, post_json, strings

BATCH = 50


class LibreTranslateBackend:
    label = _("LibreTranslate")
    needs_endpoint = True

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        out: list[str] = []
        for batch in chunks(texts, BATCH):
            payload = {"q": list(batch), "source": source_lang, "target": target_lang}
            payload["format"] = "html"
            if self.config.api_key:
                payload["api_key"] = self.config.api_key
            url = self.config.endpoint.rstrip("/") + "/translate"
            answer = post_json(str(self.label), url, payload, {})
            value = answer.get("translatedText") if isinstance(answer, dict) else None
            out += strings(str(self.label), value, len(batch))
        return out
