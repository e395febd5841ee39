from __future__ import annotations

import pytest

from microcred.did import (
    MapResolver,
    NoNetworkResolver,
    assertion_keys,
    controller_document,
    did_key_document,
    did_web_document,
    did_web_to_url,
    resolve_verification_method,
    url_to_did_web,
)
from microcred.errors import ResolutionError
from microcred.keys import KeyPair, PublicKey

TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        (
            "did:web:w3c-ccg.github.io:user:alice",
            "https://w3c-ccg.github.io/user/alice/did.json",
        ),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_url_mapping_both_ways(did: str, url: str) -> None:
    assert did_web_to_url(did) == url
    assert url_to_did_web(url) == did


def test_did_web_rejects_bad_input() -> None:
    for bad in ["did:web:", "did:web:exa mple.com", "did:web:example.com:..", "did:key:z6Mk"]:
        with pytest.raises(ResolutionError):
            did_web_to_url(bad)
    with pytest.raises(ResolutionError, match="https"):
        url_to_did_web("http://example.com/")


def test_did_key_document_and_resolution() -> None:
    document = did_key_document(f"did:key:{TEST_KEY}")
    method_id = f"did:key:{TEST_KEY}#{TEST_KEY}"
    assert document["id"] == f"did:key:{TEST_KEY}"
    assert document["verificationMethod"][0]["type"] == "Multikey"
    assert document["verificationMethod"][0]["publicKeyMultibase"] == TEST_KEY
    assert document["assertionMethod"] == [method_id]
    for vm_id in (f"did:key:{TEST_KEY}", method_id):
        resolved = resolve_verification_method(vm_id, resolver=None)
        assert resolved.public_key.to_multibase() == TEST_KEY
        assert resolved.controller == f"did:key:{TEST_KEY}"
        assert resolved.id == method_id
        assert resolved.confirmed and "assertionMethod" in resolved.relationships
    with pytest.raises(ResolutionError, match="repeat the key"):
        resolve_verification_method(f"did:key:{TEST_KEY}#other", resolver=None)


def test_a_key_in_the_fragment_is_never_used_without_the_controller_document() -> None:
    vm_id = f"https://example.edu/issuers/565049#{TEST_KEY}"
    for resolver in (None, NoNetworkResolver(), MapResolver({})):
        with pytest.raises(ResolutionError, match="controller document"):
            resolve_verification_method(vm_id, resolver=resolver)
    listed = controller_document(
        "https://example.edu/issuers/565049", [(vm_id, PublicKey.from_multibase(TEST_KEY))]
    )
    resolver = MapResolver({"https://example.edu/issuers/565049": listed})
    resolved = resolve_verification_method(vm_id, resolver=resolver)
    assert resolved.controller == "https://example.edu/issuers/565049"
    assert resolved.public_key.to_multibase() == TEST_KEY
    assert resolved.relationships == ("assertionMethod",)
    forged = (
        "https://example.edu/issuers/565049#" + KeyPair.generate_ed25519().public.to_multibase()
    )
    with pytest.raises(ResolutionError, match="does not list"):
        resolve_verification_method(forged, resolver=resolver)


def test_did_web_document_resolves_through_the_resolver() -> None:
    key = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    other = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    document = did_web_document("did:web:issuer.example", [key.public, other.public])
    assert document["verificationMethod"][0]["id"] == key.id
    assert document["assertionMethod"] == [key.id, other.id]
    assert document["authentication"] == [key.id, other.id]
    resolver = MapResolver({"did:web:issuer.example": document})
    resolved = resolve_verification_method(other.id, resolver=resolver)
    assert resolved.public_key == other.public
    assert resolved.controller == "did:web:issuer.example"
    assert resolved.confirmed
    assert resolved.relationships == ("authentication", "assertionMethod")


def test_listed_document_is_authoritative_over_the_fragment() -> None:
    key = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    forger = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    document = did_web_document("did:web:issuer.example", [key.public])
    resolver = MapResolver({"did:web:issuer.example": document})
    with pytest.raises(ResolutionError, match="does not list"):
        resolve_verification_method(forger.id, resolver=resolver)


def test_controller_mismatches_are_refused() -> None:
    key = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    document = did_web_document("did:web:issuer.example", [key.public])
    document["verificationMethod"][0]["controller"] = "did:web:someone.else"
    with pytest.raises(ResolutionError, match="controller"):
        resolve_verification_method(key.id, resolver=MapResolver({key.controller: document}))
    wrong_id = dict(did_web_document("did:web:issuer.example", [key.public]), id="did:web:x")
    with pytest.raises(ResolutionError, match="has id"):
        resolve_verification_method(key.id, resolver=MapResolver({key.controller: wrong_id}))


def test_https_controller_document_with_legacy_and_jwk_methods() -> None:
    ed = KeyPair.generate_ed25519(controller="https://issuer.example/keys")
    ec = KeyPair.generate_es256(controller="https://issuer.example/keys")
    controller = "https://issuer.example/keys"
    document = {
        "id": controller,
        "verificationMethod": [
            {
                "id": "#ed",
                "type": "Ed25519VerificationKey2020",
                "controller": controller,
                "publicKeyMultibase": ed.public.to_multibase(),
            },
        ],
        "assertionMethod": [
            "#ed",
            {
                "id": f"{controller}#ec",
                "type": "JsonWebKey2020",
                "controller": controller,
                "publicKeyJwk": ec.public.to_jwk(),
            },
        ],
    }
    resolver = MapResolver({controller: document})
    first = resolve_verification_method(f"{controller}#ed", resolver=resolver)
    second = resolve_verification_method(f"{controller}#ec", resolver=resolver)
    assert first.public_key == ed.public and first.relationships == ("assertionMethod",)
    assert second.public_key == ec.public and second.relationships == ("assertionMethod",)


def test_standalone_key_document_fetched_by_its_url() -> None:
    key = KeyPair.generate_ed25519()
    url = "https://issuer.example/keys/1"
    document = {
        "id": url,
        "type": "Multikey",
        "controller": "https://issuer.example/",
        "publicKeyMultibase": key.public.to_multibase(),
    }
    with pytest.raises(ResolutionError, match="unavailable"):
        resolve_verification_method(url, resolver=MapResolver({url: document}))
    issuer = {"id": "https://issuer.example/", "assertionMethod": [url]}
    both = MapResolver({url: document, "https://issuer.example/": issuer})
    resolved = resolve_verification_method(url, resolver=both)
    assert resolved.public_key == key.public and resolved.controller == "https://issuer.example/"
    assert resolved.relationships == ("assertionMethod",)
    unlisted = MapResolver(
        {url: document, "https://issuer.example/": dict(issuer, assertionMethod=[])}
    )
    assert resolve_verification_method(url, resolver=unlisted).relationships == ()


@pytest.mark.parametrize(
    ("vm_id", "message"),
    [
        ("z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "no scheme"),
        ("did:example:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "did:example"),
        ("xxx:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "scheme 'xxx'"),
        ("https://example.edu/issuers/565049#z6MkjZRsdasZv3aez3r18pB1RBFJ", "unavailable"),
        ("https://example.edu/issuers/565049#key-1", "unavailable"),
        ("", "missing"),
    ],
)
def test_fixture_style_bad_methods_fail_with_reasons(vm_id: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        resolve_verification_method(vm_id, resolver=NoNetworkResolver())


def test_no_resolver_and_no_key_in_the_id() -> None:
    with pytest.raises(ResolutionError, match="not available offline"):
        resolve_verification_method("https://issuer.example/keys#key-1", resolver=None)


def test_p256_key_listed_by_its_controller() -> None:
    vm_id = "https://1edtech.edu/issuers/565049#zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9"
    public = PublicKey.from_multibase(vm_id.partition("#")[2])
    document = controller_document("https://1edtech.edu/issuers/565049", [(vm_id, public)])
    resolver = MapResolver({"https://1edtech.edu/issuers/565049": document})
    resolved = resolve_verification_method(vm_id, resolver=resolver)
    assert resolved.public_key.algorithm == "P-256"
    assert isinstance(resolved.public_key, PublicKey)


def test_assertion_keys_of_a_controller() -> None:
    key = KeyPair.generate_ed25519(controller="did:web:issuer.example")
    rsa = KeyPair.generate_rs256(controller="did:web:issuer.example")
    methods = [(key.id, key.public), ("did:web:issuer.example#rsa", rsa.public)]
    document = controller_document("did:web:issuer.example", methods)
    found = assertion_keys(
        "did:web:issuer.example", resolver=MapResolver({key.controller: document})
    )
    assert [k.public_key for k in found] == [m[1] for m in methods]
    assert (
        assertion_keys(f"did:key:{TEST_KEY}", resolver=None)[0].public_key.to_multibase()
        == TEST_KEY
    )
    with pytest.raises(ResolutionError, match="no controller document"):
        assertion_keys("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164", resolver=None)
    with pytest.raises(ResolutionError, match="unavailable"):
        assertion_keys("did:web:issuer.example", resolver=MapResolver({}))
