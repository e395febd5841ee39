"""The canonicalizer's per-process IRI memo keeps only short IRIs (decision 0023): long ones
from strangers' documents are converted every time, not remembered."""

from __future__ import annotations

from microcred.canon import canonicalize_document, jsonld


def test_long_iris_are_converted_but_not_remembered() -> None:
    short = "https://example.org/short-subject"
    long = "https://example.org/" + "a" * 5_000
    for subject in (short, long):
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": subject,
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:learner"},
            "validFrom": "2025-01-01T00:00:00Z",
        }
        assert f"<{subject}>" in canonicalize_document(document)
    assert short in jsonld._IRI_TERMS
    assert long not in jsonld._IRI_TERMS
