"""Fault: behind a TLS proxy every client had the proxy's address, so the rate limits and the
sign-in lock-out were shared by everyone. ``MICROCRED_TRUSTED_PROXIES`` names the proxies
whose ``X-Forwarded-For`` is believed; the client is the right-most untrusted hop."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from microcred_web.accounts.models import User
from microcred_web.common.http import client_address

PROXIES = ["10.0.0.0/8", "fd00::/8"]
PASSWORD = "correct-horse-battery-9"


def _address(peer: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert _address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


@override_settings(MICROCRED_TRUSTED_PROXIES=PROXIES)
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored() -> None:
    assert _address("203.0.113.5", "198.51.100.1, 10.0.0.7") == "203.0.113.5"


@override_settings(MICROCRED_TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # the client wrote the left-most hops itself: the right-most untrusted hop wins
        ("10.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # two proxies: the load balancer behind the TLS terminator
        ("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.2.3.4", "198.51.100.1"),
        ("10.0.0.1", "198.51.100.1:51234", "198.51.100.1"),
        ("fd00::1", "[2001:db8::9]:443", "2001:db8::9"),
        ("::ffff:10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # no header, or only trusted hops: the nearest address we have
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "10.9.9.9, 10.0.0.2", "10.9.9.9"),
        # garbage right of the client: stop at the last address we can trust
        ("10.0.0.1", "198.51.100.1, not-an-address", "10.0.0.1"),
    ],
)
def test_trusted_proxy_chains_resolve_to_the_right_most_untrusted_hop(
    peer: str, forwarded: str, client: str
) -> None:
    assert _address(peer, forwarded) == client


@override_settings(MICROCRED_TRUSTED_PROXIES=["10.0.0.0/33"])
def test_a_bad_network_is_a_configuration_error_naming_the_setting() -> None:
    with pytest.raises(ImproperlyConfigured, match="MICROCRED_TRUSTED_PROXIES"):
        _address("10.0.0.1", "198.51.100.1")


@pytest.mark.django_db
@override_settings(MICROCRED_TRUSTED_PROXIES=PROXIES)
def test_five_wrong_passwords_behind_the_proxy_lock_out_only_their_sender(client) -> None:
    person = User.objects.create_user("zoe@example.com", PASSWORD, display_name="Zoë Dubois")
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        response = client.post(
            "/accounts/sign-in/",
            {"email": person.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR="198.51.100.66",
            **via_proxy,
        )
        assert response.status_code == 400
    blocked = client.post(
        "/accounts/sign-in/",
        {"email": person.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.66",
        **via_proxy,
    )
    assert blocked.status_code == 429
    # the person, from their own address, through the same proxy, still signs in
    allowed = client.post(
        "/accounts/sign-in/",
        {"email": person.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.10",
        **via_proxy,
    )
    assert allowed.status_code == 302
