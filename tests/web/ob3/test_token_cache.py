"""Bearer token validation is cached per process for at most 1 s (decision 0045): the second
request with a token reads no token row; a revocation through this process refuses the token on
the very next request; one made elsewhere (another process: simulated by changing the row
without this process's signals) is refused once the documented TTL has passed. Time is moved
through the cache's clock, not waited for."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken
from oauth_client import OAuthClient

from microcred_web.oauth import token_cache

CREDENTIALS_URL = "/ims/ob/v3p0/credentials"


@pytest.fixture
def tokens(client, world):
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    issued = app.tokens_for()
    client.logout()
    return app, issued


@pytest.fixture
def frozen_clock(monkeypatch, settings):
    settings.MICROCRED_OAUTH_TOKEN_CACHE_SECONDS = 1.0  # production's default (tests use 0)
    now = [1000.0]
    monkeypatch.setattr(token_cache, "clock", lambda: now[0])
    return now


def token_reads(captured) -> int:
    return sum("oauth2_provider_accesstoken" in q["sql"] for q in captured.captured_queries)


def test_a_validated_token_is_not_read_again(client, tokens, frozen_clock):
    _app, issued = tokens
    auth = f"Bearer {issued['access_token']}"
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    assert token_reads(captured) == 0
    frozen_clock[0] += token_cache.ttl() + 0.01  # older than the TTL: read again
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    assert token_reads(captured) == 1


def test_revocation_here_refuses_the_next_request(client, tokens, frozen_clock):
    app, issued = tokens
    auth = f"Bearer {issued['access_token']}"
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    pair = base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
    revoked = client.post(
        reverse("oauth:revoke"),
        {"token": issued["access_token"]},
        HTTP_AUTHORIZATION=f"Basic {pair}",
    )
    assert revoked.status_code == 200
    # same instant on the cache's clock: the revocation itself dropped the entry
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 401


def test_revocation_elsewhere_is_seen_after_the_ttl(client, tokens, frozen_clock):
    _app, issued = tokens
    auth = f"Bearer {issued['access_token']}"
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    checksum = token_cache.checksum(issued["access_token"])
    # another process ends the token: an UPDATE sends no signal this process could hear
    ended = AccessToken.objects.filter(token_checksum=checksum).update(
        expires=timezone.now() - timedelta(seconds=1)
    )
    assert ended == 1
    # within the TTL this process still trusts what it checked (the documented staleness) ...
    frozen_clock[0] += 0.5
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    # ... and once the TTL (at most 1 s) has passed, it reads the row again and refuses
    assert token_cache.ttl() <= 1.0
    frozen_clock[0] += token_cache.ttl()
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 401


def test_an_expired_token_is_refused_even_when_cached(client, tokens, frozen_clock):
    _app, issued = tokens
    auth = f"Bearer {issued['access_token']}"
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    cached = token_cache.token_cached(issued["access_token"])
    assert cached is not None
    # the token reaches its expiry (in the row and in the cached copy): no TTL grace
    past = timezone.now() - timedelta(seconds=1)
    AccessToken.objects.filter(pk=cached.pk).update(expires=past)
    cached.expires = past
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 401


def test_the_ttl_cannot_be_configured_above_one_second(settings):
    settings.MICROCRED_OAUTH_TOKEN_CACHE_SECONDS = 30
    assert token_cache.ttl() == 1.0
    settings.MICROCRED_OAUTH_TOKEN_CACHE_SECONDS = 0
    token_cache.token_remember("x", object())
    assert token_cache.token_cached("x") is None
