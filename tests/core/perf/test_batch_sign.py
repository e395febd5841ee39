"""Batch signing (``eddsa_rdfc_2022.sign_many``) and its subtree memo agree with one-by-one
signing byte for byte, whatever the batch shares."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.canon import canonicalize_document, to_rdf
from microcred.canon.jsonld import SubtreeMemo, canonicalize_batch, to_rdf_batch
from microcred.errors import Error, UndefinedTerm
from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from benchmarks.credentials import make_credential, make_credentials

KEY = KeyPair.from_ed25519_seed(bytes(range(32)))
CREATED = "2025-11-20T10:00:00Z"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _text(documents: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(d, ensure_ascii=False) for d in documents]


def _one_by_one(documents: list[dict[str, Any]]) -> list[str]:
    return _text([eddsa_rdfc_2022.sign(d, KEY, created=CREATED) for d in documents])


def _bulk(n: int) -> list[dict[str, Any]]:
    """``n`` credentials sharing the issuer and the achievement (as parsed from JSON Lines)."""
    base = make_credential(0, seed=3, issuer_id=KEY.controller)
    out = []
    for i in range(n):
        credential = make_credential(i, seed=3, issuer_id=KEY.controller)
        credential["issuer"] = json.loads(json.dumps(base["issuer"]))
        achievement = json.loads(json.dumps(base["credentialSubject"]["achievement"]))
        credential["credentialSubject"]["achievement"] = achievement
        out.append(credential)
    return out


@pytest.mark.parametrize(
    "documents",
    [
        make_credentials(30, seed=11, issuer_id=KEY.controller),
        _bulk(30),
        _bulk(5) + make_credentials(5, seed=12, issuer_id=KEY.controller) + _bulk(5),
    ],
    ids=["varied", "shared", "mixed"],
)
def test_sign_many_is_sign_one_by_one(documents: list[dict[str, Any]]) -> None:
    before = copy.deepcopy(documents)
    assert _text(eddsa_rdfc_2022.sign_many(documents, KEY, created=CREATED)) == _one_by_one(
        documents
    )
    assert documents == before  # inputs untouched


def test_sign_many_outputs_do_not_share_structure_with_inputs() -> None:
    documents = _bulk(3)
    signed = eddsa_rdfc_2022.sign_many(documents, KEY, created=CREATED)
    signed[1]["credentialSubject"]["achievement"]["name"] = "changed"
    signed[1]["issuer"]["name"] = "changed"
    assert documents == _bulk(3)


def test_sign_many_default_created_is_one_timestamp() -> None:
    signed = eddsa_rdfc_2022.sign_many(_bulk(3), KEY)
    assert len({d["proof"][0]["created"] for d in signed}) == 1


def test_sign_many_raises_what_sign_raises() -> None:
    documents = _bulk(3)
    documents[2]["credentialSubject"]["achievement"]["notATerm"] = 1
    with pytest.raises(UndefinedTerm) as one:
        eddsa_rdfc_2022.sign(documents[2], KEY, created=CREATED)
    with pytest.raises(UndefinedTerm) as many:
        eddsa_rdfc_2022.sign_many(documents, KEY, created=CREATED)
    assert str(many.value) == str(one.value)


def test_memo_does_not_hide_a_type_change() -> None:
    """A subtree equal as JSON text but with a tuple where a list was is walked again."""
    documents = _bulk(3)
    tags = documents[2]["credentialSubject"]["achievement"]["tag"]
    documents[2]["credentialSubject"]["achievement"]["tag"] = tuple(tags)
    memo = SubtreeMemo()
    for document in documents[:2]:
        assert to_rdf_batch(document, memo) == to_rdf(document)
    with pytest.raises(Error) as one:
        to_rdf(documents[2])
    with pytest.raises(Error) as batch:
        to_rdf_batch(documents[2], memo)
    assert str(batch.value) == str(one.value)


# --------------------------------------------------------------------------- differential

_IDS = st.sampled_from(
    ["https://ex.org/a/1", "https://ex.org/a/2", "urn:ex:a3", "_:shared", "_:other"]
)
_WORDS = st.sampled_from(["alpha", "beta", "Beta", 'é "q"', "line\nbreak", ""])


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def _achievement(draw: st.DrawFn) -> dict[str, Any]:
    node: dict[str, Any] = {}
    ident = draw(_maybe(_IDS))
    if ident is not None:
        node["id"] = ident
    node["type"] = draw(st.sampled_from(["Achievement", ["Achievement"]]))
    node["name"] = draw(_WORDS)
    criteria = draw(_maybe(st.fixed_dictionaries({"narrative": _WORDS})))
    if criteria is not None:
        if draw(st.booleans()):
            criteria["id"] = draw(_IDS)  # criteria with an IRI or a blank node label
        node["criteria"] = criteria
    alignments = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.just(["Alignment"]), "targetName": _WORDS},
                optional={"targetUrl": st.sampled_from(["https://ex.org/t", "urn:t:2"])},
            ),
            max_size=3,
        )
    )
    if alignments:
        node["alignment"] = alignments
    tags = draw(st.lists(_WORDS, max_size=3))
    if tags:
        node["tag"] = tags
    if draw(st.booleans()):
        node["image"] = {
            "id": draw(st.sampled_from(["https://ex.org/i.png", "urn:i"])),
            "type": "Image",
        }
    return node


@st.composite
def _credential(draw: st.DrawFn, pool: list[dict[str, Any]]) -> dict[str, Any]:
    achievement = copy.deepcopy(pool[draw(st.integers(0, len(pool) - 1))])
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": achievement}
    if draw(st.booleans()):
        subject["id"] = draw(st.sampled_from(["did:ex:p1", "did:ex:p2", "https://ex.org/a/1"]))
    issuer: dict[str, Any] = {
        "id": draw(st.sampled_from(["did:ex:issuer", "https://ex.org/a/2"])),
        "type": ["Profile"],
        "name": draw(_WORDS),
    }
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": subject,
    }
    if draw(st.booleans()):
        credential["id"] = draw(st.sampled_from(["urn:uuid:1", "urn:ex:a3"]))
    if draw(st.booleans()):  # the same subtree twice in one document
        credential["evidence"] = [
            {"id": achievement.get("id", "https://ex.org/e"), "type": ["Evidence"]},
            copy.deepcopy(issuer) | {"type": ["Evidence"]},
        ]
    return credential


@st.composite
def _batch(draw: st.DrawFn) -> list[dict[str, Any]]:
    pool = draw(st.lists(_achievement(), min_size=1, max_size=3))
    return draw(st.lists(_credential(pool), min_size=1, max_size=12))


@settings(max_examples=150, deadline=None)
@given(_batch())
def test_batch_walk_gives_the_quads_of_single_walks(documents: list[dict[str, Any]]) -> None:
    memo = SubtreeMemo()
    for document in documents:
        try:
            expected: Any = to_rdf(document)
        except Error as exc:
            expected = (type(exc), str(exc))
        try:
            got: Any = to_rdf_batch(document, memo)
        except Error as exc:
            got = (type(exc), str(exc))
        assert got == expected


@settings(max_examples=60, deadline=None)
@given(_batch())
def test_sign_many_matches_sign_on_generated_batches(documents: list[dict[str, Any]]) -> None:
    try:
        expected = _one_by_one(documents)
    except Error:
        with pytest.raises(Error):
            eddsa_rdfc_2022.sign_many(documents, KEY, created=CREATED)
        return
    assert _text(eddsa_rdfc_2022.sign_many(documents, KEY, created=CREATED)) == expected


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Error as exc:
        return (type(exc), str(exc))


@settings(max_examples=150, deadline=None)
@given(_batch(), st.booleans())
def test_canonicalize_batch_is_canonicalize_document(
    documents: list[dict[str, Any]], defer: bool
) -> None:
    """With deferred pieces (and without), including subtrees whose blank nodes share a
    first-degree hash with each other or with the rest of the document."""
    memo = SubtreeMemo(defer=defer)
    other = SubtreeMemo(defer=True)
    for document in documents:
        expected = _outcome(canonicalize_document, document)
        assert _outcome(canonicalize_batch, document, memo) == expected
        assert _outcome(to_rdf_batch, document, other) == _outcome(to_rdf, document)


def test_canonicalize_batch_falls_back_when_a_piece_shares_a_hash() -> None:
    achievement = {
        "id": "https://ex.org/a/1",
        "type": ["Achievement"],
        "name": "n",
        "criteria": {"narrative": "same"},
    }
    documents = [
        {
            "@context": [VC_V2, OB_V3],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:ex:issuer", "type": ["Profile"], "name": "i"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": copy.deepcopy(achievement),
                # a blank node outside the shared subtree with the same first-degree hash
                "result": [{"type": ["Result"], "value": str(i)} for i in range(2)],
            },
            "name": "same" if i else "other",
        }
        for i in range(3)
    ]
    memo = SubtreeMemo(defer=True)
    for document in documents:
        assert canonicalize_batch(document, memo) == canonicalize_document(document)


@pytest.mark.parametrize(
    "extra",
    [
        {"Criteria": "https://ex.org/c"},  # another key of the same predicate, same value
        {"Criteria": "https://ex.org/other"},
        {"https://purl.imsglobal.org/spec/vc/ob/vocab.html#Criteria": "https://ex.org/c"},
        {},
    ],
)
def test_aliased_keys_still_deduplicate(extra: dict[str, Any]) -> None:
    from microcred.canon.jsonld_fallback import pyld_to_rdf
    from microcred.canon.rdfc import canonicalize
    from microcred.contexts.registry import default_registry

    document = _bulk(1)[0]
    achievement = document["credentialSubject"]["achievement"]
    achievement["criteria"] = {"id": "https://ex.org/c", "narrative": "x"}
    achievement.update(extra)
    quads = to_rdf(document)
    assert len(quads) == len(set(quads))
    reference = canonicalize(
        pyld_to_rdf(document, default_registry(), max_depth=64, max_values=100_000)
    )
    assert canonicalize_document(document) == reference
