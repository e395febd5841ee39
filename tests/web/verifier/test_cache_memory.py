"""Distinct large requests cannot grow the verifier: its per-process caches are bounded by
bytes (``MICROCRED_VERIFY_CACHE_BYTES``, decision 0023), not only by entries.

2,000 distinct ~900 kB credentials go through the production WSGI application (the lean route
of ``/verify/api``) in this process; the process's resident memory must stay within a fixed
bound, and the caches within their budget. (Before the byte bound, 2,000 such requests kept
about 1.8 GB.) ``make soak-verify-memory`` runs a longer variant against a granian server.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from microcred_web.common.lean import lean_routes
from microcred_web.verifier import verification
from microcred_web.verifier.verification import Lru

REQUESTS = int(os.environ.get("MICROCRED_MEMORY_REQUESTS", "2000"))
REQUEST_BYTES = 900_000
EVERY_CREDENTIAL = 50
#: growth allowed over the warmed-up process: the caches' budget plus the allocator's slack
RSS_BOUND = 128 * 1024 * 1024


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")  # pragma: no cover - Linux only


@pytest.fixture
def app() -> Iterator[Any]:
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield lean_routes(WSGIHandler())
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def post(app: Any, body: bytes) -> int:
    environ = RequestFactory().generic(
        "POST", "/verify/api", body, content_type="application/json", HTTP_HOST="testserver"
    )
    answer: list[int] = []
    chunks = app(
        environ.environ, lambda status, headers, exc_info=None: answer.append(int(status[:3]))
    )
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answer[0]


_FILLER = ("lorem ipsum dolor sit amet " * (REQUEST_BYTES // 27)).encode()


def large_request(document: dict[str, Any], number: int) -> bytes:
    """A distinct ~900 kB request: mostly JSON that is no credential (cheap to refuse, as an
    anonymous flood would be), every 50th ``document`` with a 900 kB description (checked in
    full; the signature no longer matches)."""
    mark = f"{number:08d}".encode()
    if number % EVERY_CREDENTIAL:
        return b'{"type": "Note", "name": "' + mark + b'", "text": "' + _FILLER + b'"}'
    copy = json.loads(json.dumps(document))
    copy["credentialSubject"]["achievement"]["description"] = (mark + _FILLER).decode()
    return json.dumps(copy).encode()


def test_distinct_large_requests_leave_memory_bounded(app, issued, settings) -> None:
    settings.MICROCRED_VERIFY_CACHE_BYTES = 32 * 1024 * 1024
    verification.caches_clear()
    document = json.loads(issued.signed_json)
    assert post(app, issued.signed_json.encode()) == 200
    for number in range(20):  # warm up: allocator arenas, compiled contexts, first answers
        assert post(app, large_request(document, number)) == 200
    gc.collect()
    before = rss_bytes()
    started = time.monotonic()
    peak = before
    for number in range(20, 20 + REQUESTS):
        assert post(app, large_request(document, number)) == 200
        if number % 100 == 0:
            peak = max(peak, rss_bytes())
    gc.collect()
    peak = max(peak, rss_bytes())
    elapsed = time.monotonic() - started
    print(f"{REQUESTS} requests in {elapsed:.1f} s; RSS +{(peak - before) >> 20} MiB")
    assert peak - before < RSS_BOUND
    assert verification.caches_weight() <= settings.MICROCRED_VERIFY_CACHE_BYTES
    # the warm path still works: the small genuine credential is remembered and valid
    assert post(app, issued.signed_json.encode()) == 200


def test_lru_bounds_bytes_and_skips_large_entries() -> None:
    cache = Lru(1000, max_bytes=16_000)  # entries above 1,000 bytes are not stored
    cache.put("big", "x", 1_001)
    assert cache.get("big") is None and cache.weight == 0
    for number in range(40):
        cache.put(number, number, 900)
    assert cache.weight <= 16_000 and len(cache) == 17
    assert cache.get(39) == 39 and cache.get(0) is None  # the oldest went first
    cache.put(39, "again", 100)  # replacing an entry replaces its weight
    assert cache.weight == 16 * 900 + 100
    cache.put(39, "too big", 5_000)  # an entry that grew too large is dropped
    assert cache.get(39) is None and cache.weight == 16 * 900


def test_the_budget_follows_the_setting(settings) -> None:
    settings.MICROCRED_VERIFY_CACHE_BYTES = 1_000_000
    verification.caches_clear()
    assert verification.cache_budget() == 1_000_000
    verification.whole_bodies.put("k", True, 1_000_000 // 20)  # over its share's sixteenth
    assert verification.whole_bodies.get("k") is None
