"""A real webhook receiver on loopback that checks signatures with the Standard Webhooks
reference library (PyPI ``standardwebhooks``), and a published achievement to issue."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import AchievementVersion


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def msg_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


@dataclass
class Receiver:
    url: str
    status: int = 200
    hang_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [item.msg_id for item in self.received]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """An HTTP receiver on 127.0.0.1 (the operator settings allow it for this test)."""
    settings.MICROCRED_WEBHOOKS_ALLOW_PRIVATE = True
    settings.MICROCRED_WEBHOOKS_ALLOW_HTTP = True
    settings.MICROCRED_WEBHOOKS_TIMEOUT = 1.0
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.received.append(Received(headers=headers, body=body))
            if state.hang_seconds:
                time.sleep(state.hang_seconds)
            answer = b'{"ok": true}' if state.status < 300 else b"receiver broke"
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                pass  # the sender gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def version(world) -> AchievementVersion:
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Forklift safety",
            "description": "Operates a forklift safely.",
            "criteria": "Passed the practical assessment.",
        },
    )
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


@pytest.fixture(autouse=True)
def _fresh_subscriber_memory() -> Iterator[None]:
    """Database ids are reused between tests: start each without remembered organisations."""
    from microcred_web.webhooks.services import subscribers_forget

    subscribers_forget()
    yield
    subscribers_forget()
