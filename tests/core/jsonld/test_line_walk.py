"""The one-walk canonicalizer (``canonicalize_tree``: JSON → N-Quads text → RDFC-1.0) equals
the general path (quads, then the full RDFC-1.0 algorithm) and pyld, and hands every document
it cannot write exactly back to the general path."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from jsonld_oracle import pyld_canonical
from test_differential import credentials

from microcred.canon import canonicalize_document, to_rdf
from microcred.canon import jsonld as jsonld_module
from microcred.canon.jsonld import canonicalize_tree
from microcred.canon.rdfc import canonicalize
from microcred.errors import InvalidInput, UndefinedTerm

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from benchmarks.credentials import make_credentials

CREDENTIALS = make_credentials(30, seed=11)


def _general(document: dict[str, Any]) -> str:
    return canonicalize(q for q in to_rdf(document))  # a generator: no fast path at all


@settings(max_examples=150, deadline=None)
@given(credentials())
def test_generated_credentials_match_the_general_path_and_pyld(credential: dict[str, Any]) -> None:
    expected = _general(credential)
    tree = canonicalize_tree(credential)
    assert tree is None or tree == expected
    assert canonicalize_document(credential) == expected == pyld_canonical(credential)


def test_realistic_credentials_take_the_line_walk() -> None:
    for credential in CREDENTIALS:
        assert canonicalize_tree(credential) == _general(credential)


def test_subtree_cache_replays_exactly() -> None:
    jsonld_module._SUBTREES.clear()
    jsonld_module._SUBTREE_IDS.clear()
    first = [canonicalize_tree(c) for c in CREDENTIALS]
    assert jsonld_module._SUBTREES  # issuer profiles and images recur
    again = [canonicalize_tree(c) for c in reversed(CREDENTIALS)]
    assert first == list(reversed(again)) == [_general(c) for c in CREDENTIALS]
    # the same subtree deeper in a document, and with other content under the same id
    document = copy.deepcopy(CREDENTIALS[0])
    document["credentialSubject"]["achievement"]["creator"] = copy.deepcopy(document["issuer"])
    assert canonicalize_document(document) == _general(document) == pyld_canonical(document)
    document["credentialSubject"]["achievement"]["creator"]["name"] = "Another name"
    assert canonicalize_document(document) == _general(document) == pyld_canonical(document)
    # a budget too small for the cached subtree must still refuse the document
    with pytest.raises(Exception) as small:
        to_rdf(document, max_values=20)
    assert "too large" in str(small.value)


def test_subtree_cache_replays_blank_nodes_under_new_labels() -> None:
    """One achievement (criteria and alignments are blank nodes) awarded to many people: its
    cached walk is replayed with fresh blank node labels, also twice in one document."""
    jsonld_module._SUBTREES.clear()
    jsonld_module._SUBTREE_IDS.clear()
    shared = CREDENTIALS[0]["credentialSubject"]["achievement"]
    documents = []
    for credential in CREDENTIALS[:6]:
        document = copy.deepcopy(credential)
        document["credentialSubject"]["achievement"] = copy.deepcopy(shared)
        documents.append(document)
    results = [canonicalize_tree(d) for d in documents + documents]
    assert any(entry.blanks for entry in jsonld_module._SUBTREES.values())
    assert results == [_general(d) for d in documents + documents]
    # the replayed subtree next to a walked copy of itself under another id, then twice
    subject = documents[0]["credentialSubject"]
    other = copy.deepcopy(subject)
    other["achievement"]["id"] = "https://example.org/achievements/other"
    other["achievement"]["image"]["id"] += "?other"
    other["achievement"]["criteria"]["narrative"] += " Again."
    for alignment in other["achievement"]["alignment"]:
        alignment["targetCode"] += "1"
    other["identifier"][0]["salt"] += "1"
    twice = copy.deepcopy(documents[0])
    twice["credentialSubject"] = [copy.deepcopy(subject), other]
    assert canonicalize_tree(twice) == _general(twice) == pyld_canonical(twice)
    twice["credentialSubject"][1] = copy.deepcopy(subject)  # the same node again: refused
    assert canonicalize_tree(twice) is None
    assert canonicalize_document(twice) == _general(twice) == pyld_canonical(twice)


def _variants() -> dict[str, dict[str, Any]]:
    base = CREDENTIALS[1]
    out: dict[str, dict[str, Any]] = {}
    doc = copy.deepcopy(base)  # the same quad twice
    doc["credentialSubject"]["achievement"]["tag"] = ["same", "same"]
    out["repeated value"] = doc
    doc = copy.deepcopy(base)  # two blank nodes with one first-degree hash
    alignment = doc["credentialSubject"]["achievement"]["alignment"][0]
    doc["credentialSubject"]["achievement"]["alignment"] = [alignment, copy.deepcopy(alignment)]
    out["indistinguishable blank nodes"] = doc
    doc = copy.deepcopy(base)  # blank node labels of the document
    doc["credentialSubject"]["id"] = "_:learner"
    out["document blank node label"] = doc
    doc = copy.deepcopy(base)  # one node described twice (its quads may repeat)
    creator = copy.deepcopy(doc["issuer"])
    creator["description"] = "described a second time"
    doc["credentialSubject"]["achievement"]["creator"] = creator
    out["node described twice"] = doc
    doc = copy.deepcopy(base)  # the same issuer twice: the cached subtree meets itself
    doc["credentialSubject"]["achievement"]["creator"] = copy.deepcopy(doc["issuer"])
    doc["credentialSubject"]["achievement"]["image"] = copy.deepcopy(doc["issuer"])
    out["cached subtree repeated"] = doc
    doc = copy.deepcopy(base)  # a named graph (@container: @graph)
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": "did:example:1#key",
        "proofPurpose": "assertionMethod",
        "proofValue": "zabc",
    }
    out["named graph"] = doc
    doc = copy.deepcopy(base)  # an inline context: the pyld fallback
    doc["@context"] = [*doc["@context"], {"ex": "https://example.com/ns#"}]
    doc["credentialSubject"]["ex:note"] = "inline"
    out["inline context"] = doc
    return out


@pytest.mark.parametrize("name", sorted(_variants()))
def test_documents_the_line_walk_hands_back(name: str) -> None:
    document = _variants()[name]
    for _ in range(2):  # the second time through the subtree cache
        assert canonicalize_tree(document) is None
        assert canonicalize_document(document) == _general(document)
    assert canonicalize_document(document) == pyld_canonical(document)


def test_errors_are_the_general_paths_errors() -> None:
    undefined = copy.deepcopy(CREDENTIALS[2])
    undefined["credentialSubject"]["achievement"]["notATerm"] = "x"
    relative = copy.deepcopy(CREDENTIALS[2])
    relative["issuer"]["id"] = "relative/path"
    for document, error in ((undefined, UndefinedTerm), (relative, InvalidInput)):
        assert canonicalize_tree(document) is None
        with pytest.raises(error) as info:
            canonicalize_document(document)
        with pytest.raises(error) as general:
            to_rdf(document)
        assert str(info.value) == str(general.value)
