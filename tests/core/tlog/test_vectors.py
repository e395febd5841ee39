"""Published vectors: RFC 6962/9162 reference tree, Go sumdb/note signed note, C2SP tile paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.tlog import (
    EMPTY_ROOT,
    MerkleTree,
    NoteError,
    NoteSigner,
    NoteVerifier,
    ProofError,
    leaf_hash,
    node_hash,
    open_note,
    verify_consistency,
    verify_inclusion,
)
from microcred.tlog.tiles import TileRef, encode_tile_index, parse_tile_path

VECTORS = Path(__file__).parents[2] / "vectors" / "tlog"
RFC = json.loads((VECTORS / "rfc6962.json").read_text())
NOTE = json.loads((VECTORS / "signed_note.json").read_text())
TILES = json.loads((VECTORS / "tiles.json").read_text())
h = bytes.fromhex


def _tree() -> MerkleTree:
    return MerkleTree(leaf_hash(h(leaf)) for leaf in RFC["leaves_hex"])


def test_empty_leaf_and_node_hashes() -> None:
    assert EMPTY_ROOT.hex() == RFC["empty_root"]
    assert MerkleTree().root().hex() == RFC["empty_root"]
    assert leaf_hash(RFC["leaf_hash"]["data_utf8"].encode()).hex() == RFC["leaf_hash"]["hash"]
    node = RFC["node_hash"]
    assert node_hash(node["left_utf8"].encode(), node["right_utf8"].encode()).hex() == node["hash"]


def test_roots_of_every_prefix() -> None:
    tree = _tree()
    assert [tree.root(size).hex() for size in range(1, 9)] == RFC["roots"]


@pytest.mark.parametrize("case", RFC["inclusion"])
def test_inclusion_proofs(case: dict) -> None:
    tree, proof = _tree(), [h(p) for p in case["proof"]]
    assert tree.inclusion_proof(case["index"], case["size"]) == proof
    root = h(RFC["roots"][case["size"] - 1])
    hashed = leaf_hash(h(RFC["leaves_hex"][case["index"]]))
    verify_inclusion(
        index=case["index"], size=case["size"], hashed_leaf=hashed, proof=proof, root=root
    )
    with pytest.raises(ProofError):
        verify_inclusion(
            index=case["index"] - 1, size=case["size"], hashed_leaf=hashed, proof=proof, root=root
        )


@pytest.mark.parametrize("case", RFC["consistency"])
def test_consistency_proofs(case: dict) -> None:
    tree, proof = _tree(), [h(p) for p in case["proof"]]
    assert tree.consistency_proof(case["old"], case["new"]) == proof
    old_root, new_root = h(RFC["roots"][case["old"] - 1]), h(RFC["roots"][case["new"] - 1])
    verify_consistency(
        old_size=case["old"],
        new_size=case["new"],
        old_root=old_root,
        new_root=new_root,
        proof=proof,
    )
    with pytest.raises(ProofError, match="root of size"):
        verify_consistency(
            old_size=case["old"],
            new_size=case["new"],
            old_root=h(RFC["roots"][0]),
            new_root=new_root,
            proof=proof,
        )


def test_a_proof_for_another_tree_size_is_refused() -> None:
    tree = _tree()
    proof = tree.inclusion_proof(5, 8)
    with pytest.raises(ProofError, match="too long"):
        verify_inclusion(index=5, size=6, hashed_leaf=tree.leaf(5), proof=proof, root=tree.root(6))


def test_signed_note_example_is_reproduced_byte_for_byte() -> None:
    signer = NoteSigner.parse(NOTE["signer_key"])
    assert signer.verifier.encode() == NOTE["verifier_key"]
    assert signer.sign(NOTE["text"]) == NOTE["note"]
    opened = open_note(NOTE["note"], [NoteVerifier.parse(NOTE["verifier_key"])])
    assert opened.text == NOTE["text"] and opened.verified_by == ("PeterNeumann",)


def test_altered_note_text_is_a_forgery() -> None:
    verifier = NoteVerifier.parse(NOTE["verifier_key"])
    with pytest.raises(NoteError, match="forged or altered"):
        open_note(NOTE["note"].replace("cryptography", "cryptographY"), [verifier])


def test_verifier_key_with_a_wrong_id_is_refused() -> None:
    with pytest.raises(NoteError, match="does not match"):
        NoteVerifier.parse(NOTE["verifier_key"].replace("c74f20a3", "c74f20a4"))


def test_tile_paths() -> None:
    for number, path in TILES["index_paths"].items():
        assert encode_tile_index(int(number)) == path
    for case in TILES["tile_paths"]:
        ref = TileRef(case["level"], case["index"], case["width"])
        assert ref.path == case["path"]
        assert parse_tile_path(case["path"]) == ref
