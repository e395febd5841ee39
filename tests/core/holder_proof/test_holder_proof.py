"""The OpenID4VCI ``jwt`` key proof check (appendix F.1), hermetic: keys made here."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from microcred.holder_proof import HolderProofError, holder_proof_read
from microcred.keys import KeyPair, did_key_for

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
AUDIENCE = "https://issuer.example/o/northwind"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def proof(pair: KeyPair, header: dict | None = None, claims: dict | None = None) -> str:
    did = did_key_for(pair.public)
    head = {"typ": "openid4vci-proof+jwt", "alg": pair.jws_algorithm}
    head["kid"] = f"{did}#{did.removeprefix('did:key:')}"
    head.update(header or {})
    head = {k: v for k, v in head.items() if v is not None}
    body = {"aud": AUDIENCE, "iat": int(NOW.timestamp()), "nonce": "n-1", **(claims or {})}
    signing_input = f"{_b64(head)}.{_b64(body)}"
    signature = base64.urlsafe_b64encode(pair.sign(signing_input.encode())).rstrip(b"=")
    return f"{signing_input}.{signature.decode()}"


@pytest.mark.parametrize("make", [KeyPair.generate_ed25519, KeyPair.generate_es256])
def test_a_good_proof_gives_the_holders_did_key(make):
    pair = make()
    result = holder_proof_read(proof(pair), audience=AUDIENCE, now=NOW)
    assert result.holder_did == did_key_for(pair.public) and result.nonce == "n-1"


def test_a_jwk_proof_gives_the_same_did():
    pair = KeyPair.generate_ed25519()
    token = proof(pair, {"kid": None, "jwk": pair.public.to_jwk()})
    assert holder_proof_read(token, audience=AUDIENCE, now=NOW).holder_did == did_key_for(
        pair.public
    )


@pytest.mark.parametrize(
    ("header", "claims", "words", "code"),
    [
        ({"typ": "JWT"}, {}, "typ", "invalid_proof"),
        ({"alg": "none"}, {}, "alg", "invalid_proof"),
        ({"alg": "HS256"}, {}, "alg", "invalid_proof"),
        ({"alg": "ES256"}, {}, "not a P-256 key", "invalid_proof"),
        ({"kid": "did:web:evil.example#k"}, {}, "did:key", "invalid_proof"),
        ({"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}}, {}, "exactly one", "invalid_proof"),
        ({}, {"aud": "https://other.example"}, "aud", "invalid_proof"),
        ({}, {"iat": int(NOW.timestamp()) - 3600}, "iat", "invalid_proof"),
        ({}, {"iat": "now"}, "iat", "invalid_proof"),
        ({}, {"nonce": ""}, "nonce", "invalid_nonce"),
    ],
)
def test_bad_proofs_name_what_is_wrong(header, claims, words, code):
    token = proof(KeyPair.generate_ed25519(), header, claims)
    with pytest.raises(HolderProofError, match=words) as caught:
        holder_proof_read(token, audience=AUDIENCE, now=NOW)
    assert caught.value.code == code


def test_a_private_jwk_and_a_foreign_signature_are_refused():
    pair = KeyPair.generate_ed25519()
    private = proof(pair, {"kid": None, "jwk": pair.to_jwk(private=True)})
    with pytest.raises(HolderProofError, match="public key"):
        holder_proof_read(private, audience=AUDIENCE, now=NOW)
    other = KeyPair.generate_ed25519()
    forged = proof(pair).rsplit(".", 1)[0] + "." + proof(other).rsplit(".", 1)[1]
    with pytest.raises(HolderProofError, match="signature"):
        holder_proof_read(forged, audience=AUDIENCE, now=NOW)
    for junk in ("", "a.b", "a.b.", 42, "x" * 10_000):
        with pytest.raises(HolderProofError):
            holder_proof_read(junk, audience=AUDIENCE, now=NOW)
