"""Checkpoints, tiles and the auditor on a log built here; every bad input named precisely."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.tlog import (
    Checkpoint,
    CheckpointError,
    MerkleTree,
    NoteError,
    NoteSigner,
    checkpoint_open,
    checkpoint_sign,
    folder_fetcher,
    leaf_hash,
    log_audit,
)
from microcred.tlog.errors import TileError
from microcred.tlog.tiles import TileRef, log_tiles, parse_entry_bundle, parse_tile_path

ORIGIN = "example.org/log"


def _signer(seed: int = 1) -> NoteSigner:
    return NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


def _publish(folder: Path, entries: list[bytes], signer: NoteSigner) -> str:
    tree = MerkleTree(leaf_hash(e) for e in entries)
    for path, data in log_tiles(tree, entries).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    note = checkpoint_sign(Checkpoint(ORIGIN, tree.size, tree.root()), signer)
    (folder / "checkpoint").write_text(note)
    return note


def _entries(count: int, tag: str = "e") -> list[bytes]:
    return [f"{tag}{i}".encode() for i in range(count)]


def test_checkpoint_round_trip_and_extensions() -> None:
    checkpoint = Checkpoint(ORIGIN, 923748, bytes(range(32)), ("Timestamp: 1700000000",))
    note = checkpoint_sign(checkpoint, _signer())
    assert checkpoint_open(note, _signer().verifier) == checkpoint


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("example.org/log\n012\nAAAA\n", "line 2"),
        ("example.org/log\n12\nAAAA\n", "line 3"),
        ("example.org/log\n12\n", "origin, a tree size"),
        ("example.org/log\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n", "line 2"),
        ("example.org/log\n1\n" + base64.b64encode(bytes(32)).decode(), "ends with a newline"),
    ],
)
def test_malformed_checkpoints_name_the_line(body: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.parse(body)


def test_forged_checkpoint_and_other_key_are_refused() -> None:
    note = checkpoint_sign(Checkpoint(ORIGIN, 3, bytes(32)), _signer())
    with pytest.raises(NoteError, match="forged"):
        checkpoint_open(note.replace("\n3\n", "\n4\n"), _signer().verifier)
    with pytest.raises(NoteError, match="no trusted key"):
        checkpoint_open(note, _signer(2).verifier)
    with pytest.raises(CheckpointError, match="not 'other'"):
        checkpoint_open(note, _signer().verifier, origin="other")


def test_tile_path_parser_refuses_odd_paths() -> None:
    for path in ["tile/0/1", "tile/0/x000/001", "tile/0/001.p/256", "tile/64/001", "tile/0/../001"]:
        with pytest.raises(TileError):
            parse_tile_path(path)


def test_truncated_entry_bundle_is_named() -> None:
    with pytest.raises(TileError, match=r"tile/entries/000\.p/3 is truncated"):
        parse_entry_bundle(b"\x00\x01a\x00\x01b", TileRef(None, 0, 3))


def test_audit_of_an_honest_log_across_several_tile_levels(tmp_path: Path) -> None:
    signer = _signer()
    seen = [_publish(tmp_path, _entries(300), signer)]
    last = _publish(tmp_path, _entries(70_000), signer)
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier, seen=seen)
    assert report.ok, report.findings
    assert report.checkpoint is not None and report.checkpoint.size == 70_000
    assert report.checkpoints_checked == 2 and report.note == last
    assert report.tiles_checked == 274 + 2 + 1  # level 0 (273 full, 1 partial), level 1, level 2


def test_audit_reports_a_fork(tmp_path: Path) -> None:
    signer = _signer()
    seen = [_publish(tmp_path, _entries(10, "a"), signer)]
    _publish(tmp_path, _entries(12, "b"), signer)  # history rewritten and re-signed
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier, seen=seen)
    assert [(f.kind, f.where) for f in report.findings] == [("fork", "checkpoint seen #1")]


def test_audit_reports_a_rollback(tmp_path: Path) -> None:
    signer = _signer()
    seen = [_publish(tmp_path, _entries(20), signer)]
    _publish(tmp_path, _entries(10), signer)
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier, seen=seen)
    assert [f.kind for f in report.findings] == ["rollback"]


def test_audit_reports_a_truncated_tile_and_a_rewritten_hash_tile(tmp_path: Path) -> None:
    signer = _signer()
    _publish(tmp_path, _entries(600), signer)
    level0 = tmp_path / "tile/0/001"
    level0.write_bytes(level0.read_bytes()[:-5])
    tile = tmp_path / "tile/1/000.p/2"
    tile.write_bytes(bytes(32) + tile.read_bytes()[32:])
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier)
    assert [(f.kind, f.where) for f in report.findings] == [
        ("truncated", "tile/0/001"),
        ("rewrite", "tile/1/000.p/2"),
    ]


def test_audit_reports_changed_entries_and_a_forged_checkpoint(tmp_path: Path) -> None:
    signer = _signer()
    _publish(tmp_path, _entries(5), signer)
    bundle = tmp_path / "tile/entries/000.p/5"
    bundle.write_bytes(bundle.read_bytes().replace(b"e3", b"X3"))
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier)
    assert report.findings[0].kind == "rewrite" and "signed root" in report.findings[0].message
    (tmp_path / "checkpoint").write_text(
        checkpoint_sign(Checkpoint(ORIGIN, 5, bytes(32)), _signer(9))
    )
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier)
    assert [f.kind for f in report.findings] == ["signature"] and not report.ok


def test_audit_reports_a_missing_bundle(tmp_path: Path) -> None:
    signer = _signer()
    _publish(tmp_path, _entries(300), signer)
    (tmp_path / "tile/entries/001.p/44").unlink()
    report = log_audit(fetch=folder_fetcher(tmp_path), verifier=signer.verifier)
    assert [(f.kind, f.where) for f in report.findings] == [("missing", "tile/entries/001.p/44")]
