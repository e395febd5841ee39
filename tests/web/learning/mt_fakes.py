"""Local counterparts of the HTTP translation APIs, served on loopback for the tests.

These are FAKES written for the tests, following the providers' published API documentation:
LibreTranslate (``POST /translate``: ``q`` string or list, ``source``, ``target``, ``format``,
``api_key``; answer ``{"translatedText": ...}``, errors ``{"error": "..."}``), DeepL
(``POST /v2/translate``: ``Authorization: DeepL-Auth-Key <key>``, ``text`` list, ``source_lang``,
``target_lang``, ``tag_handling``, ``ignore_tags``; answer ``{"translations": [{
"detected_source_language", "text"}]}``, errors ``{"message": "..."}``) and the OpenAI chat
completions API (``POST /v1/chat/completions``: ``Authorization: Bearer``, ``model``,
``messages``; answer ``{"choices": [{"message": {"role", "content"}}]}``). Each checks the
request's shape and credentials the way the real service would and records what it received.
Their "translation" is a small English→Spanish glossary applied to the text between tags.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GLOSSARY = {
    "safe": "seguro",
    "lifting": "levantamiento",
    "lift": "levanta",
    "plan": "planifica",
    "the": "la",
    "route": "ruta",
    "first": "primero",
    "never": "nunca",
    "more": "más",
    "than": "que",
    "bend": "dobla",
    "knees": "rodillas",
    "hello": "hola",
    "read": "lee",
    "guide": "guía",
    "before": "antes de",
    "you": "tú",
}
_TAG = re.compile(r"(<[^<>]+>)")


def glossary_translate(xml: str) -> str:
    """Words of the glossary replaced in the text between tags; tags left as they are."""

    def words(text: str) -> str:
        return re.sub(r"[A-Za-z]+", lambda m: GLOSSARY.get(m.group(0).lower(), m.group(0)), text)

    return "".join(part if i % 2 else words(part) for i, part in enumerate(_TAG.split(xml)))


@dataclass
class Fake:
    """A running fake: its base URL, what it received, and knobs for failures."""

    base: str
    host: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: "timeout", "bad_json", "500", "drop_token" (loses the first token of texts with one)
    failure: str = ""


Handler = Callable[[Fake, dict[str, str], Any], tuple[int, Any]]


def _libretranslate(fake: Fake, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict) or "q" not in body or "target" not in body:
        return 400, {"error": "Invalid request: missing q or target parameter"}
    if body.get("api_key") != "libre-key":
        return 403, {"error": "Invalid API key"}
    texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
    out = [_translate(fake, text) for text in texts]
    return 200, {"translatedText": out if isinstance(body["q"], list) else out[0]}


def _deepl(fake: Fake, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    if headers.get("authorization") != "DeepL-Auth-Key deepl-secret:fx":
        return 403, {"message": "Wrong endpoint. Use https://api.deepl.com"}
    if not isinstance(body, dict) or not isinstance(body.get("text"), list):
        return 400, {"message": "Value for 'text' not supported."}
    if len(body["text"]) > 50:
        return 413, {"message": "Request Entity Too Large"}
    return 200, {
        "translations": [
            {"detected_source_language": "EN", "text": _translate(fake, text)}
            for text in body["text"]
        ]
    }


def _openai(fake: Fake, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    if headers.get("authorization") != "Bearer sk-local":
        return 401, {"error": {"message": "Incorrect API key provided", "type": "auth"}}
    if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
        return 400, {"error": {"message": "model and messages are required"}}
    texts = json.loads(body["messages"][-1]["content"])
    content = json.dumps([_translate(fake, text) for text in texts], ensure_ascii=False)
    if fake.failure == "chatty":
        content = f"Here are the translations:\n```json\n{content}\n```"
    return 200, {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


def _translate(fake: Fake, text: str) -> str:
    translated = glossary_translate(text)
    if fake.failure == "drop_token":
        translated = re.sub(r'<x id="1"/>', "", translated, count=1)
    return translated


ROUTES: dict[str, tuple[str, Handler]] = {
    "libretranslate": ("/translate", _libretranslate),
    "deepl": ("/v2/translate", _deepl),
    "openai": ("/v1/chat/completions", _openai),
}


@contextmanager
def serve(kind: str) -> Iterator[Fake]:
    """Run the fake of ``kind`` on 127.0.0.1 in a thread for the ``with`` block."""
    path, handler = ROUTES[kind]
    holder: dict[str, Fake] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            fake = holder["fake"]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            fake.requests.append({"path": self.path, "headers": headers, "json": body})
            if self.path != path:
                return self._send(404, b'{"error": "Not Found"}')
            if headers.get("content-type", "").split(";")[0] != "application/json":
                return self._send(400, b'{"error": "Content-Type must be application/json"}')
            if fake.failure == "timeout":
                time.sleep(3)
            if fake.failure == "500":
                return self._send(500, b'{"error": "Internal Server Error"}')
            if fake.failure == "bad_json":
                return self._send(200, b"<html>Service Unavailable</html>")
            status, answer = handler(fake, headers, body)
            self._send(status, json.dumps(answer, ensure_ascii=False).encode())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (the timeout test)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    holder["fake"] = Fake(base=f"http://127.0.0.1:{port}", host=f"127.0.0.1:{port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["fake"]
    finally:
        server.shutdown()
        server.server_close()
