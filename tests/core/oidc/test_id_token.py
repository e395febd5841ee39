"""ID token validation (OpenID Connect Core 1.0 §3.1.3.7) against forgeries, offline."""

from __future__ import annotations

import base64
import json
import warnings
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

from microcred.oidc import IdTokenRejected, id_token_validate

ISSUER = "https://idp.example/o"
CLIENT = "microcred-acme"
NONCE = "nonce-123"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _claims(**changes: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "42",
        "iat": int(NOW.timestamp()) - 5,
        "exp": int(NOW.timestamp()) + 300,
        "nonce": NONCE,
        "email": "ann@acme.example",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key, alg: str, claims: dict[str, object]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])


def _jwks(*keys) -> dict[str, object]:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def _validate(token: str, jwks: dict[str, object], nonce: str = NONCE):
    return id_token_validate(
        token, jwks=jwks, issuer=ISSUER, client_id=CLIENT, nonce=nonce, now=NOW
    )


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})


@pytest.mark.parametrize(
    ("alg", "make"),
    [
        ("RS256", lambda: RSAKey.generate_key(2048, parameters={"kid": "r"})),
        ("ES256", lambda: ECKey.generate_key("P-256", parameters={"kid": "e"})),
        ("EdDSA", lambda: OKPKey.generate_key("Ed25519", parameters={"kid": "o"})),
    ],
)
def test_each_asymmetric_algorithm_is_accepted(alg, make) -> None:
    key = make()
    accepted = _validate(_sign(key, alg, _claims()), _jwks(key))
    assert accepted.subject == "42"
    assert accepted.claims["email"] == "ann@acme.example"


def test_a_signature_by_another_key_is_refused(rsa_key) -> None:
    other = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    with pytest.raises(IdTokenRejected, match="signature"):
        _validate(_sign(other, "RS256", _claims()), _jwks(rsa_key))


def test_a_changed_payload_is_refused(rsa_key) -> None:
    header, _payload, signature = _sign(rsa_key, "RS256", _claims()).split(".")
    forged = base64.urlsafe_b64encode(json.dumps(_claims(sub="1")).encode()).rstrip(b"=")
    with pytest.raises(IdTokenRejected, match="signature"):
        _validate(f"{header}.{forged.decode()}.{signature}", _jwks(rsa_key))


def _unsigned(header: dict[str, object], claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def test_alg_none_is_refused(rsa_key) -> None:
    with pytest.raises(IdTokenRejected, match="'none'"):
        _validate(_unsigned({"alg": "none"}, _claims()), _jwks(rsa_key))


def test_hmac_with_the_public_key_as_secret_is_refused(rsa_key) -> None:
    import hashlib
    import hmac

    public_pem = rsa_key.as_pem(private=False)
    unsigned = _unsigned({"alg": "HS256", "kid": "rsa-1"}, _claims())[:-1]
    mac = hmac.new(public_pem, unsigned.encode(), hashlib.sha256).digest()
    token = unsigned + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    with pytest.raises(IdTokenRejected, match="HS256"):
        _validate(token, _jwks(rsa_key))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://evil.example/o"}, "another issuer"),
        ({"aud": "another-client"}, "another client"),
        ({"aud": [CLIENT, "other"]}, "azp"),
        ({"exp": int(NOW.timestamp()) - 120}, "expired"),
        ({"exp": None}, "'exp'"),
        ({"iat": int(NOW.timestamp()) + 600}, "future"),
        ({"iat": int((NOW - timedelta(hours=2)).timestamp())}, "too long ago"),
        ({"nbf": int(NOW.timestamp()) + 600}, "not valid yet"),
        ({"nonce": "an-earlier-sign-in"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"sub": ""}, "subject"),
    ],
)
def test_claims_that_do_not_fit_are_refused(rsa_key, changes, reason) -> None:
    with pytest.raises(IdTokenRejected, match=reason):
        _validate(_sign(rsa_key, "RS256", _claims(**changes)), _jwks(rsa_key))


def test_several_audiences_are_accepted_when_we_are_the_authorised_party(rsa_key) -> None:
    token = _sign(rsa_key, "RS256", _claims(aud=[CLIENT, "other"], azp=CLIENT))
    assert _validate(token, _jwks(rsa_key)).subject == "42"


def test_a_token_replayed_into_another_sign_in_is_refused(rsa_key) -> None:
    token = _sign(rsa_key, "RS256", _claims())
    assert _validate(token, _jwks(rsa_key)).subject == "42"
    with pytest.raises(IdTokenRejected, match="nonce"):
        _validate(token, _jwks(rsa_key), nonce="the-next-sign-in")


@pytest.mark.parametrize("token", ["", "abc", "a.b", "!!.??.**", "x" * 70_000])
def test_malformed_tokens_are_refused(rsa_key, token) -> None:
    with pytest.raises(IdTokenRejected):
        _validate(token, _jwks(rsa_key))


def test_an_unreadable_key_set_is_refused(rsa_key) -> None:
    with pytest.raises(IdTokenRejected, match="key set"):
        _validate(_sign(rsa_key, "RS256", _claims()), {"keys": [{"kty": "nope"}]})
