"""Hypothesis: every two checkpoints of one log are consistent; any tampering is detected."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.tlog import (
    MerkleTree,
    ProofError,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

leaves = st.lists(st.binary(max_size=12), min_size=1, max_size=80)


def _reference_root(hashes: list[bytes]) -> bytes:
    """RFC 9162 MTH written as the recursion of the RFC (a second opinion)."""
    from microcred.tlog import node_hash

    if len(hashes) == 1:
        return hashes[0]
    split = 1
    while split * 2 < len(hashes):
        split *= 2
    return node_hash(_reference_root(hashes[:split]), _reference_root(hashes[split:]))


@settings(max_examples=150, deadline=None)
@given(leaves, st.data())
def test_any_two_checkpoints_are_consistent(data: list[bytes], draw: st.DataObject) -> None:
    tree = MerkleTree(leaf_hash(d) for d in data)
    new = draw.draw(st.integers(1, tree.size))
    old = draw.draw(st.integers(0, new))
    assert tree.root(new) == _reference_root([leaf_hash(d) for d in data[:new]])
    verify_consistency(
        old_size=old,
        new_size=new,
        old_root=tree.root(old),
        new_root=tree.root(new),
        proof=tree.consistency_proof(old, new),
    )


@settings(max_examples=150, deadline=None)
@given(leaves, st.data())
def test_every_leaf_is_included(data: list[bytes], draw: st.DataObject) -> None:
    tree = MerkleTree(leaf_hash(d) for d in data)
    size = draw.draw(st.integers(1, tree.size))
    index = draw.draw(st.integers(0, size - 1))
    verify_inclusion(
        index=index,
        size=size,
        hashed_leaf=tree.leaf(index),
        proof=tree.inclusion_proof(index, size),
        root=tree.root(size),
    )


@settings(max_examples=150, deadline=None)
@given(leaves, st.data())
def test_tampering_with_a_leaf_is_detected(data: list[bytes], draw: st.DataObject) -> None:
    index = draw.draw(st.integers(0, len(data) - 1))
    tampered = list(data)
    tampered[index] = data[index] + b"!"
    assert root_of([leaf_hash(d) for d in tampered]) != root_of([leaf_hash(d) for d in data])
    tree = MerkleTree(leaf_hash(d) for d in data)
    with pytest.raises(ProofError):
        verify_inclusion(
            index=index,
            size=tree.size,
            hashed_leaf=leaf_hash(tampered[index]),
            proof=tree.inclusion_proof(index),
            root=tree.root(),
        )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=2, max_size=60, unique=True), st.data())
def test_reordering_is_detected(data: list[bytes], draw: st.DataObject) -> None:
    i = draw.draw(st.integers(0, len(data) - 2))
    swapped = list(data)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    assert root_of([leaf_hash(d) for d in swapped]) != root_of([leaf_hash(d) for d in data])


@settings(max_examples=100, deadline=None)
@given(leaves, st.data())
def test_a_rewritten_history_fails_the_consistency_proof(
    data: list[bytes], draw: st.DataObject
) -> None:
    tree = MerkleTree(leaf_hash(d) for d in data)
    old = draw.draw(st.integers(1, tree.size))
    index = draw.draw(st.integers(0, old - 1))
    forked = list(data)
    forked[index] += b"?"
    fork = MerkleTree(leaf_hash(d) for d in forked)
    with pytest.raises(ProofError):
        verify_consistency(
            old_size=old,
            new_size=tree.size,
            old_root=fork.root(old),
            new_root=tree.root(),
            proof=tree.consistency_proof(old),
        )


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.sampled_from(["credential.issued", "key.rotated"]))
def test_entry_encoding_is_rfc8785(subject: str, at: str, kind: str) -> None:
    from microcred.canon.jcs import canonicalize_json
    from microcred.tlog import LogEntry

    entry = LogEntry(kind=kind, subject=subject, digest="", at=at)
    fields = {"at": at, "digest": "", "kind": kind, "subject": subject}
    try:
        expected = canonicalize_json(fields)
    except Exception:
        return
    assert entry.encode() == expected
    assert LogEntry.parse(entry.encode()) == entry


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=4), json_values, max_size=5))
def test_credential_digest_bytes_are_rfc8785(document: dict) -> None:
    from microcred.canon.jcs import canonicalize_json
    from microcred.tlog.entries import canonical_bytes

    try:
        expected = canonicalize_json(document)
    except Exception:
        return
    assert canonical_bytes(document) == expected


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=4), json_values, max_size=5), st.booleans())
def test_digest_of_text_equals_digest_of_document(document: dict, ascii_only: bool) -> None:
    import json

    from microcred.tlog import credential_digest
    from microcred.tlog.entries import credential_digest_of_text

    try:
        expected = credential_digest(document)
    except Exception:
        return
    text = json.dumps(document, ensure_ascii=ascii_only)
    assert credential_digest_of_text(text) == (json.loads(text), expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=4), max_size=300), st.lists(st.binary(max_size=4), max_size=20))
def test_bulk_built_tree_equals_appended_tree(data: list[bytes], more: list[bytes]) -> None:
    hashes = [leaf_hash(d) for d in data]
    bulk, appended = MerkleTree.from_leaf_hashes(hashes), MerkleTree(hashes)
    for extra in more:  # and keeps growing the same way
        bulk.append(leaf_hash(extra))
        appended.append(leaf_hash(extra))
    for size in range(bulk.size + 1):
        assert bulk.root(size) == appended.root(size)
