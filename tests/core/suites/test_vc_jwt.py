from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwk as jose_jwk
from joserfc import jws as jose_jws
from joserfc.errors import SecurityWarning

from microcred.baking import extract
from microcred.errors import InvalidJSON
from microcred.keys import KeyPair
from microcred.suites import vc_jwt

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


def _credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0e3bb1d0-6f5b-4f55-9a43-9a0f3f6d1d11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Acme"},
        "validFrom": "2024-05-01T00:00:00Z",
        "validUntil": "2030-05-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
    }


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


KEYS = {
    "EdDSA": KeyPair.generate_ed25519(controller="did:web:issuer.example"),
    "ES256": KeyPair.generate_es256(controller="did:web:issuer.example"),
    "RS256": KeyPair.generate_rs256(controller="did:web:issuer.example"),
}


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("simple-jwt.png", "vc-jose-cose"),
        ("simple-jwt.svg", "vc-jose-cose"),
        ("simple-jwt_v1.png", "vc-jwt-1.1"),
        ("simple-jwt_v1.svg", "vc-jwt-1.1"),
    ],
)
def test_baked_fixture_jwts_verify_with_their_embedded_jwk(name: str, shape: str) -> None:
    token = extract((OB30 / name).read_bytes()).payload
    key = vc_jwt.embedded_jwk(token)
    assert key is not None and key.algorithm == "RSA"
    check = vc_jwt.verify(token, key)
    assert check.ok, check.reason
    assert check.shape == shape
    assert check.header["alg"] == "RS256"
    assert check.credential is not None
    assert "OpenBadgeCredential" in check.credential["type"]


@pytest.mark.parametrize("name", ["simple.jwt", "velocity.jwt"])
def test_fixture_jwts_without_embedded_key_decode_but_need_a_key(name: str) -> None:
    token = (OB30 / name).read_text().strip()
    header, claims = vc_jwt.decode_unverified(token)
    assert header["alg"] == "RS256"
    assert "vc" in claims and isinstance(claims["iss"], str)
    assert vc_jwt.embedded_jwk(token) is None
    wrong = vc_jwt.verify(token, KEYS["RS256"].public)
    assert not wrong.ok and "does not match" in wrong.reason


def test_simple_jwt_fixture_claims_match_ob30_shape() -> None:
    _, claims = vc_jwt.decode_unverified((OB30 / "simple.jwt").read_text().strip())
    assert claims["jti"] == claims["vc"]["id"]
    assert claims["iss"] == claims["vc"]["issuer"]["id"]
    assert claims["sub"] == claims["vc"]["credentialSubject"]["id"]
    assert claims["nbf"] == 1262304000


@pytest.mark.parametrize("alg", sorted(KEYS))
@pytest.mark.parametrize("shape", ["vc-jose-cose", "vc-jwt-1.1"])
def test_sign_verify_round_trip(alg: str, shape: vc_jwt.JwtShape) -> None:
    key = KEYS[alg]
    token = vc_jwt.sign(_credential(), key, shape=shape)
    header, claims = vc_jwt.decode_unverified(token)
    assert header["alg"] == alg and header["kid"] == key.id
    check = vc_jwt.verify(token, key.public)
    assert check.ok and check.shape == shape
    assert check.credential == _credential()
    if shape == "vc-jose-cose":
        assert (header["typ"], header["cty"]) == ("vc+jwt", "vc")
    else:
        assert header["typ"] == "JWT"
        assert claims["iss"] == "did:web:issuer.example"
        assert claims["jti"] == _credential()["id"]
        assert claims["sub"] == "did:example:learner"
        assert claims["nbf"] == 1714521600
        assert claims["exp"] == 1903824000


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_joserfc_agrees_both_ways(alg: str) -> None:
    key = KEYS[alg]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # joserfc deprecates "EdDSA" (RFC 9864)
        token = vc_jwt.sign(_credential(), key)
        public = jose_jwk.import_key(key.public.to_jwk())
        decoded = jose_jws.deserialize_compact(token, public, algorithms=[alg])
        assert json.loads(decoded.payload) == _credential()
        private = jose_jwk.import_key(key.to_jwk())
        theirs = jose_jws.serialize_compact({"alg": alg}, b'{"vc":{"id":"x"}}', private, [alg])
    assert vc_jwt.verify(theirs, key.public).ok
    assert vc_jwt.embedded_jwk(token) is None
    assert vc_jwt.embedded_jwk(vc_jwt.sign(_credential(), key, embed_jwk=True)) == key.public


def test_alg_none_is_refused_explicitly() -> None:
    token = f"{_b64({'alg': 'none'})}.{_b64(_credential())}."
    check = vc_jwt.verify(token, KEYS["EdDSA"].public)
    assert not check.ok and "alg 'none'" in check.reason
    check = vc_jwt.verify(token.replace(".", ".", 1), KEYS["EdDSA"].public)
    assert not check.ok


def test_hmac_and_unlisted_algorithms_are_refused() -> None:
    for alg in ("HS256", "PS256", "ES384"):
        token = f"{_b64({'alg': alg})}.{_b64(_credential())}.AAAA"
        check = vc_jwt.verify(token, KEYS["RS256"].public)
        assert not check.ok
        assert f"{alg!r} is not allowed" in check.reason
        assert "EdDSA, ES256, RS256" in check.reason
    token = vc_jwt.sign(_credential(), KEYS["RS256"])
    narrowed = vc_jwt.verify(token, KEYS["RS256"].public, algorithms=("EdDSA",))
    assert not narrowed.ok and "not allowed" in narrowed.reason


def test_key_and_algorithm_must_agree() -> None:
    token = vc_jwt.sign(_credential(), KEYS["ES256"])
    check = vc_jwt.verify(token, KEYS["EdDSA"].public)
    assert not check.ok and "needs a P-256 key" in check.reason


def test_tampering_and_claim_mismatches_fail() -> None:
    key = KEYS["EdDSA"]
    header, payload, signature = vc_jwt.sign(_credential(), key).split(".")
    forged = dict(_credential(), name="Forged")
    check = vc_jwt.verify(f"{header}.{_b64(forged)}.{signature}", key.public)
    assert not check.ok and "does not match" in check.reason
    credential = _credential()
    token = vc_jwt.sign(credential, key, shape="vc-jwt-1.1")
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["iss"] = "did:web:someone.else"
    new_payload = _b64(claims)
    resigned = f"{header}.{new_payload}"
    sig = base64.urlsafe_b64encode(key.sign(resigned.encode())).rstrip(b"=").decode()
    check = vc_jwt.verify(f"{resigned}.{sig}", key.public)
    assert not check.ok and "claim iss" in check.reason


def test_crit_header_and_malformed_tokens() -> None:
    key = KEYS["EdDSA"]
    token = f"{_b64({'alg': 'EdDSA', 'crit': ['b64'], 'b64': False})}.{_b64({})}.AAAA"
    check = vc_jwt.verify(token, key.public)
    assert not check.ok and "critical" in check.reason
    for bad in ["", "a.b", "a.b.c.d", "not a jwt", f"{_b64({'alg': 'EdDSA'})}.!!.AA"]:
        assert not vc_jwt.verify(bad, key.public).ok
    with pytest.raises(InvalidJSON):
        vc_jwt.decode_unverified("a.b")
    no_vc = vc_jwt.sign({"hello": "world"}, key)
    check = vc_jwt.verify(no_vc, key.public)
    assert not check.ok and "no credential" in check.reason
