"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp server, Ollama, LocalAI …):
``POST /v1/chat/completions`` with a configurable model and a strict system prompt; the user
message is a JSON list of segments and the answer must be a JSON list of the same length."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from microcred_web.learning.machine.base import (
    MachineTranslationError,
    ServiceConfig,
    chunks,
    post_json,
    strings,
)

BATCH = 20
SYSTEM_PROMPT = (
    "You are a translation engine. The user message is a JSON array of strings written in "
    "{source}. Translate each string into {target}. Each string is XML text: keep every "
    '<x id="N"/> tag exactly as it is, once, and keep entities such as &amp; escaped. '
    "Do not add, drop, merge or split strings. Do not explain. Reply with only a JSON array "
    "of the translated strings, in the same order."
)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def chat_url(endpoint: str) -> str:
    base = endpoint.rstrip("/")
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def _content(label: str, answer: Any) -> str:
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise MachineTranslationError(label, gettext("the answer has no message")) from exc
    if not isinstance(content, str):
        raise MachineTranslationError(label, gettext("the answer has no message"))
    return content


def parse_list(label: str, content: str) -> Any:
    """The JSON array in the model's reply (tolerates a code fence or words around it)."""
    text = _FENCE.sub("", content.strip())
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end < start:
        raise MachineTranslationError(label, gettext("the model did not answer with a JSON list"))
    try:
        return json.loads(text[start : end + 1])
    except ValueError as exc:
        raise MachineTranslationError(
            label, gettext("the model did not answer with a JSON list")
        ) from exc


class OpenAIChatBackend:
    label = gettext_lazy("OpenAI-compatible model")
    needs_endpoint = True

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        label = str(self.label)
        if not self.config.model:
            raise MachineTranslationError(label, gettext("no model name is configured"))
        headers = {"Authorization": f"Bearer {self.config.api_key}"} if self.config.api_key else {}
        prompt = SYSTEM_PROMPT.format(source=source_lang, target=target_lang)
        out: list[str] = []
        for batch in chunks(texts, BATCH):
            payload = {
                "model": self.config.model,
                "temperature": 0,
                "messages": [
                    {"role": "system", "content": prompt},
                    {"role": "user", "content": json.dumps(list(batch), ensure_ascii=False)},
                ],
            }
            answer = post_json(label, chat_url(self.config.endpoint), payload, headers)
            out += strings(label, parse_list(label, _content(label, answer)), len(batch))
        return out
