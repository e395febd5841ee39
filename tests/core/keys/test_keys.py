from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import KeyFormatError
from microcred.keys import (
    KeyPair,
    PublicKey,
    base58btc_decode,
    base58btc_encode,
    multibase_decode,
    parse_ed25519_secret,
)

MANIFEST = Path(__file__).resolve().parents[2] / "vectors" / "ob30" / "manifest.json"
TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def _vector() -> dict[str, str]:
    keys = json.loads(MANIFEST.read_text(encoding="utf-8"))["keys"]
    return dict(keys[TEST_KEY])


@given(st.binary(max_size=80))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


def test_base58btc_known_values() -> None:
    # Bitcoin base58 vectors (draft-msporny-base58): "Hello World!" and leading zeros.
    assert base58btc_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert base58btc_encode(b"\0\0(\x7f\xb4\xcd") == "11233QC4"
    assert base58btc_decode("11233QC4") == b"\0\0(\x7f\xb4\xcd"
    with pytest.raises(KeyFormatError, match="base58btc character"):
        base58btc_decode("0OIl")


def test_ob_test_vector_key_encodings() -> None:
    vector = _vector()
    key = KeyPair.from_ed25519_seed(vector["secretSeedHex"])
    assert key.public.raw.hex() == vector["publicKeyHex"]
    assert key.public.to_multibase() == TEST_KEY
    assert key.controller == f"did:key:{TEST_KEY}"
    assert key.id == f"did:key:{TEST_KEY}#{TEST_KEY}"
    assert key.secret_multibase().startswith("z3u2")
    assert multibase_decode(key.secret_multibase())[:2] == b"\x80\x26"


def test_legacy_64_byte_secret_forms_are_accepted() -> None:
    vector = _vector()
    seed = bytes.fromhex(vector["secretSeedHex"])
    full = seed + bytes.fromhex(vector["publicKeyHex"])
    forms: list[str | bytes] = [
        full,
        full.hex(),
        "z" + base58btc_encode(full),
        "z" + base58btc_encode(b"\x80\x26" + full),
        "z" + base58btc_encode(b"\x80\x26" + seed),
        seed,
    ]
    for form in forms:
        assert parse_ed25519_secret(form) == seed
    wrong_half = seed + bytes(32)
    with pytest.raises(KeyFormatError, match="does not match"):
        parse_ed25519_secret(wrong_half)
    with pytest.raises(KeyFormatError, match="32-byte"):
        parse_ed25519_secret(b"short")


def test_multikey_json_round_trip_and_shape() -> None:
    key = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    document = key.to_multikey_json()
    assert document["@context"] == "https://w3id.org/security/multikey/v1"
    assert document["type"] == "Multikey"
    assert document["controller"] == "did:web:issuer.example"
    assert document["id"] == f"did:web:issuer.example#{document['publicKeyMultibase']}"
    assert document["publicKeyMultibase"].startswith("z6Mk")
    again = KeyPair.from_multikey_json(document)
    assert again == key
    assert again.sign(b"m") == key.sign(b"m")
    with pytest.raises(KeyFormatError, match="does not belong"):
        KeyPair.from_multikey_json(
            dict(document, publicKeyMultibase=KeyPair.generate_ed25519().public.to_multibase())
        )


def test_secret_is_not_in_repr() -> None:
    key = KeyPair.generate_ed25519()
    assert key.secret.hex() not in repr(key)
    assert key.secret_multibase() not in repr(key)


def test_p256_multikey_and_jwk() -> None:
    key = KeyPair.generate_es256()
    multibase = key.public.to_multibase()
    assert multibase.startswith("zDna")
    assert PublicKey.from_multibase(multibase) == key.public
    jwk = key.public.to_jwk()
    assert (jwk["kty"], jwk["crv"]) == ("EC", "P-256")
    assert PublicKey.from_jwk(jwk) == key.public
    signature = key.sign(b"data")
    assert len(signature) == 64
    assert key.public.verify(signature, b"data")
    assert not key.public.verify(signature, b"other")
    assert not key.public.verify(signature[:63], b"data")
    assert KeyPair.from_jwk(key.to_jwk()) == key
    assert KeyPair.from_multikey_json(key.to_multikey_json()) == key


def test_fixture_p256_multikey_parses() -> None:
    public = PublicKey.from_multibase("zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9")
    assert public.algorithm == "P-256" and len(public.raw) == 33


def test_ed25519_jwk_round_trip() -> None:
    key = KeyPair.generate_ed25519()
    jwk = key.to_jwk()
    assert (jwk["kty"], jwk["crv"], jwk["kid"]) == ("OKP", "Ed25519", key.id)
    assert "d" not in key.to_jwk(private=False)
    assert PublicKey.from_jwk(jwk) == key.public
    assert KeyPair.from_jwk(jwk) == key


def test_rsa_jwk_round_trip_with_and_without_crt_members() -> None:
    key = KeyPair.generate_rs256(controller="https://issuer.example")
    assert key.id == "https://issuer.example#key-1"
    jwk = key.to_jwk()
    assert KeyPair.from_jwk(jwk) == key
    minimal = {k: jwk[k] for k in ("kty", "n", "e", "d", "kid")}
    assert KeyPair.from_jwk(minimal).public == key.public
    public = PublicKey.from_jwk(key.to_jwk(private=False))
    assert public.verify(key.sign(b"x"), b"x")
    with pytest.raises(KeyFormatError, match="no Multikey"):
        public.to_multibase()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("z" + base58btc_encode(b"\x12\x34" + bytes(32)), "not a supported public Multikey"),
        ("z" + base58btc_encode(b"\xed\x01" + bytes(31)), "32 bytes"),
        ("z" + base58btc_encode(b"\x80\x24" + bytes(33)), "compressed point"),
        ("m" + "AAAA", "unsupported multibase prefix"),
        ("", "non-empty"),
    ],
)
def test_bad_multikeys_are_refused(value: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        PublicKey.from_multibase(value)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({"kty": "oct", "k": "AAAA"}, "unsupported JWK key type"),
        ({"kty": "OKP", "crv": "X25519", "x": "AAAA"}, "unsupported OKP curve"),
        ({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}, "unsupported EC curve"),
        ({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, "32 bytes"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "RSA"),
        ({"kty": "OKP", "crv": "Ed25519"}, "'x'"),
    ],
)
def test_bad_jwks_are_refused(jwk: dict[str, str], message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        PublicKey.from_jwk(jwk)


def test_ed25519_verify_never_raises() -> None:
    key = KeyPair.generate_ed25519()
    assert key.public.verify(key.sign(b"a"), b"a")
    assert not key.public.verify(b"\0" * 64, b"a")
    assert not key.public.verify(b"short", b"a")
