"""The signing hot path's helpers keep their semantics: deep copies, exact cache keys."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from microcred.suites.data_integrity import (
    ProofConfigCache,
    add_proof,
    canonicalize_rdfc,
    copy_json,
)

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def test_copy_json_is_deep_and_normalises_containers() -> None:
    source: dict[str, Any] = {"a": [{"b": [1, 2.5, True, None, "s"]}], "c": OrderedDict(x=(1, 2))}
    copied = copy_json(source)
    assert copied == {"a": [{"b": [1, 2.5, True, None, "s"]}], "c": {"x": [1, 2]}}
    assert type(copied["c"]) is dict and type(copied["c"]["x"]) is list
    copied["a"][0]["b"].append("new")
    assert source["a"][0]["b"] == [1, 2.5, True, None, "s"]


def test_add_proof_shares_nothing_with_its_input() -> None:
    document: dict[str, Any] = {"@context": [VC_V2], "credentialSubject": {"name": "x"}}
    secured = add_proof(document, {"type": "DataIntegrityProof"})
    secured["credentialSubject"]["name"] = "changed"
    secured["@context"].append("more")
    assert document == {"@context": [VC_V2], "credentialSubject": {"name": "x"}}


def test_cache_keys_tell_json_values_apart() -> None:
    cache = ProofConfigCache()
    base = {
        "@context": [VC_V2],
        "type": "DataIntegrityProof",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": "did:example:1#k",
        "proofPurpose": "assertionMethod",
    }
    for extra in ({}, {"domain": "example.org"}, {"domain": ["example.org"]}, {"nonce": 1}):
        config = {**base, **extra}
        assert cache.canonical(config, canonicalize_rdfc) == canonicalize_rdfc(config)
    assert cache.canonical({**base, "@context": VC_V2}, canonicalize_rdfc) == canonicalize_rdfc(
        {**base, "@context": VC_V2}
    )
