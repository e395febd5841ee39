"""An administrator adds a webhook endpoint, copies its secret, sends a test event to a real
receiver on loopback and reads the delivery log (real Chromium, real HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook


@pytest.fixture
def receiver(settings) -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    settings.MICROCRED_WEBHOOKS_ALLOW_PRIVATE = True
    settings.MICROCRED_WEBHOOKS_ALLOW_HTTP = True
    received: list[tuple[bytes, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((body, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/in", received
    finally:
        server.shutdown()
        server.server_close()


def test_admin_adds_an_endpoint_and_sends_a_test_event(signed_in, shot, receiver) -> None:
    url, received = receiver
    page: Page = signed_in("admin@northwind.example")
    page.get_by_role("link", name="Webhooks").first.click()
    expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
    shot("webhooks-list")
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Receiver URL").fill(url)
    page.get_by_label("Description").fill("Our HR system")
    page.get_by_label("Credential issued").check()
    page.get_by_label("Person joined").check()
    shot("webhooks-new")
    page.get_by_role("button", name="Save").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    page.get_by_role("button", name="Send a test event").click()
    expect(page.locator("#delivery-log")).to_contain_text("webhook.test")
    expect(page.locator("#delivery-log")).to_contain_text("HTTP 204")
    expect(page.locator("#webhook-secret")).to_have_count(0)  # shown once
    shot("webhooks-detail")
    (body, headers) = received[0]
    Webhook(secret).verify(body, headers)
