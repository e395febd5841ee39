"""The lean route of the public verification API (common/lean.py), through the production
WSGI application: a request without cookies skips the session, authentication, messages and
CSRF middleware and URL resolving; with any cookie it takes the ordinary path. Same answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from microcred_web.analytics.models import CredentialEvent
from microcred_web.common.lean import LeanHandler, lean_routes

API = "/verify/api"

HEADERS = (
    "Content-Type",
    "Content-Language",
    "Vary",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def app() -> Iterator[Any]:
    """The WSGI application as config/wsgi.py builds it. Like Django's test client, requests
    do not close the test's connection (it holds the test's transaction)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield lean_routes(WSGIHandler())
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def sessions(monkeypatch) -> list[str]:
    """The paths the session middleware saw."""
    seen: list[str] = []
    original = SessionMiddleware.process_request

    def spy(self, request):
        seen.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", spy)
    return seen


def call(app, body: str | bytes, *, method: str = "POST", **extra: str) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request through the WSGI application."""
    extra.setdefault("HTTP_HOST", "testserver")
    environ = (
        RequestFactory()
        .generic(method, "/verify/api", body, content_type="application/json", **extra)
        .environ
    )
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], answer["headers"], content


def _vary(headers: dict[str, str]) -> set[str]:
    return {part.strip() for part in headers.get("Vary", "").split(",") if part.strip()}


def test_the_lean_route_is_taken_only_without_cookies(app, issued, sessions) -> None:
    assert isinstance(app._handlers["/verify/api"], LeanHandler)
    environ = RequestFactory().post(API, issued.signed_json, content_type="application/json")
    finished: list[object] = []

    def on_finished(sender, **kwargs) -> None:
        finished.append(sender)

    signals.request_finished.connect(on_finished)
    try:
        answer = app(environ.environ, lambda status, headers, exc_info=None: None)
    finally:
        signals.request_finished.disconnect(on_finished)
    # the whole body in one piece, and the request already finished (resources closed)
    assert isinstance(answer, list) and len(answer) == 1 and b'"valid"' in answer[0]
    assert len(finished) == 1
    status, _headers, _body = call(app, issued.signed_json)
    assert status == 200 and sessions == []
    call(app, issued.signed_json, HTTP_COOKIE="unrelated=1")
    assert sessions == ["/verify/api"]


@pytest.mark.parametrize(
    ("body", "extra", "status"),
    [
        (None, {"HTTP_ACCEPT_LANGUAGE": "fr"}, 200),  # the issued credential, in French
        (None, {}, 200),
        ("{not json", {}, 400),
        ('{"url": "http://10.0.0.1/x"}', {}, 400),
        (None, {"HTTP_HOST": "evil.example"}, 400),  # not in ALLOWED_HOSTS
    ],
)
def test_both_paths_give_the_same_answer(app, issued, body, extra, status) -> None:
    payload = issued.signed_json if body is None else body
    lean = call(app, payload, **extra)
    full = call(app, payload, HTTP_COOKIE="unrelated=1", **extra)
    assert lean[0] == full[0] == status
    assert lean[2] == full[2]
    for header in HEADERS:
        if header != "Vary":
            assert lean[1].get(header) == full[1].get(header), header
    # the lean answer always varies with cookies; the full one when the view read the session
    assert _vary(lean[1]) == _vary(full[1]) | {"Cookie"}
    if status == 200:
        assert lean[1]["Vary"] == full[1]["Vary"]
        assert "Cookie" in lean[1]["Vary"] and "Accept-Language" in lean[1]["Vary"]
        assert json.loads(lean[2])["verdict"] == "valid"
        assert lean[1]["X-Frame-Options"] == "DENY"
        assert lean[1]["Content-Language"] == extra.get("HTTP_ACCEPT_LANGUAGE", "en")


def test_other_methods_are_refused_on_both_paths(app, issued) -> None:
    lean = call(app, "", method="GET")
    full = call(app, "", method="GET", HTTP_COOKIE="unrelated=1")
    assert lean[0] == full[0] == 405
    assert lean[1]["Allow"] == full[1]["Allow"] == "POST"


def test_the_lean_route_records_the_verification(app, issued) -> None:
    call(app, issued.signed_json)
    event = CredentialEvent.objects.get(kind="verify")
    assert (event.credential_id, event.result, event.viewer_organisation_id) == (
        issued.pk,
        "valid",
        None,
    )
    assert len(event.visitor_hash) == 64


def test_an_unexpected_error_is_a_500_on_the_lean_route(app, issued, monkeypatch) -> None:
    from microcred_web.verifier import views

    def broken(request, submission):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_verify", broken)
    status, headers, _body = call(app, issued.signed_json)
    assert status == 500
    assert headers["X-Content-Type-Options"] == "nosniff"
