"""Forged ID tokens sent by a hostile provider over real HTTP: every one is refused with a
clear message and nobody is signed in or created."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from tests.counterparts.oidc_forging_provider import ForgingProvider

from microcred_web.accounts.models import User
from microcred_web.sso import services

pytestmark = pytest.mark.django_db
KEY = RSAKey.generate_key(2048, parameters={"kid": "good"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "good"})


@pytest.fixture
def hostile(sso_on_loopback) -> Iterator[ForgingProvider]:
    provider = ForgingProvider({"keys": [KEY.as_dict(private=False)]})
    yield provider
    provider.stop()


@pytest.fixture
def organisation(hostile, make_org, make_member):
    organisation = make_org(slug="acme")
    admin = make_member(organisation, "admin")
    services.connection_save(
        organisation=organisation,
        actor=admin,
        values={
            "enabled": True,
            "display_name": "Acme IdP",
            "issuer": hostile.issuer,
            "client_id": "rp",
            "client_secret": "rp-secret",
            "scopes": "openid email",
            "groups_claim": "groups",
            "group_roles": "",
            "default_role": "learner",
            "email_domains": "",
            "sso_required": False,
        },
    )
    return organisation


def _claims(hostile: ForgingProvider, nonce: str, **changes: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": hostile.issuer,
        "aud": "rp",
        "sub": "s-1",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "email": "zed@acme.example",
        "email_verified": True,
    }
    claims.update(changes)
    return claims


def _signed(key: RSAKey, claims: dict[str, object]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode({"alg": "RS256", "kid": "good"}, claims, key)


def _b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def _start(client) -> tuple[str, str]:
    query = parse_qs(urlsplit(client.get("/sso/acme/login/")["Location"]).query)
    return query["state"][0], query["nonce"][0]


def _finish(client, state: str):
    return client.get("/sso/acme/callback/", {"state": state, "code": "any-code"})


def test_a_genuine_token_signs_in(organisation, hostile, client) -> None:
    state, nonce = _start(client)
    hostile.next_id_token = _signed(KEY, _claims(hostile, nonce))
    assert _finish(client, state).status_code == 302
    assert User.objects.filter(email="zed@acme.example").exists()
    sent = parse_qs(hostile.token_requests[-1])
    assert sent["client_secret"] == ["rp-secret"]  # client_secret_post, unsealed for the call
    assert len(sent["code_verifier"][0]) >= 43


def _none(hostile, nonce):
    header = _b64(json.dumps({"alg": "none"}).encode())
    return f"{header}.{_b64(json.dumps(_claims(hostile, nonce)).encode())}."


def _hs256_with_public_key(hostile, nonce):
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "kid": "good"}).encode())
        + "."
        + _b64(json.dumps(_claims(hostile, nonce)).encode())
    )
    mac = hmac.new(KEY.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(mac)


FORGERIES = {
    "wrong signature": lambda h, n: _signed(OTHER_KEY, _claims(h, n)),
    "wrong audience": lambda h, n: _signed(KEY, _claims(h, n, aud="someone-else")),
    "expired": lambda h, n: _signed(KEY, _claims(h, n, exp=int(time.time()) - 3600)),
    "another issuer": lambda h, n: _signed(KEY, _claims(h, n, iss="https://evil.example")),
    "alg none": _none,
    "HS256 keyed with the public key": _hs256_with_public_key,
    "missing nonce": lambda h, n: _signed(KEY, _claims(h, None)),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_forged_id_tokens_are_refused(organisation, hostile, client, name) -> None:
    state, nonce = _start(client)
    hostile.next_id_token = FORGERIES[name](hostile, nonce)
    answer = _finish(client, state)
    assert answer.status_code == 400, name
    assert b"ID token was refused" in answer.content
    assert not User.objects.filter(email="zed@acme.example").exists()
    assert "_auth_user_id" not in client.session


def test_a_token_from_an_earlier_sign_in_is_refused(organisation, hostile, client) -> None:
    state, nonce = _start(client)
    earlier = _signed(KEY, _claims(hostile, nonce))
    hostile.next_id_token = earlier
    assert _finish(client, state).status_code == 302
    client.logout()
    state, _new_nonce = _start(client)
    hostile.next_id_token = earlier  # replayed: its nonce answers the first sign-in
    answer = _finish(client, state)
    assert answer.status_code == 400
    assert b"nonce" in answer.content


def test_a_provider_without_an_id_token_is_a_clear_error(organisation, hostile, client) -> None:
    state, _nonce = _start(client)
    hostile.next_id_token = None  # type: ignore[assignment]
    answer = _finish(client, state)
    assert answer.status_code == 502
    assert b"no ID token" in answer.content
