"""DeepL API: ``POST /v2/translate`` with ``Authorization: DeepL-Auth-Key <key>``, ``text`` (up
to 50), ``tag_handling=xml`` and ``ignore_tags=["x"]`` so placeholder tokens stay untouched;
answers ``{"translations": [{"detected_source_language": "EN", "text": "..."}]}``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext, gettext_lazy

from microcred_web.learning.machine.base import (
    MachineTranslationError,
    ServiceConfig,
    chunks,
    post_json,
    strings,
)

BATCH = 50
DEFAULT_ENDPOINT = "https://api-free.deepl.com"
#: DeepL wants a variant for these target languages
_TARGET_VARIANTS = {"en": "EN-GB", "pt": "PT-PT"}


def deepl_target(language: str) -> str:
    code = language.lower()
    return _TARGET_VARIANTS.get(code, code.upper())


class DeepLBackend:
    label = gettext_lazy("DeepL")
    needs_endpoint = False

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        label = str(self.label)
        if not self.config.api_key:
            raise MachineTranslationError(label, gettext("no API key is configured"))
        url = (self.config.endpoint or DEFAULT_ENDPOINT).rstrip("/") + "/v2/translate"
        headers = {"Authorization": f"DeepL-Auth-Key {self.config.api_key}"}
        out: list[str] = []
        for batch in chunks(texts, BATCH):
            payload = {
                "text": list(batch),
                "source_lang": source_lang.split("-")[0].upper(),
                "target_lang": deepl_target(target_lang),
                "tag_handling": "xml",
                "ignore_tags": ["x"],
            }
            answer = post_json(label, url, payload, headers)
            items = answer.get("translations") if isinstance(answer, dict) else None
            texts_out = None
            if isinstance(items, list):
                texts_out = [item.get("text") if isinstance(item, dict) else None for item in items]
            out += strings(label, texts_out, len(batch))
        return out
