"""``microcred log verify | audit | monitor`` on logs published into a folder."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.cli import main
from microcred.tlog import (
    Checkpoint,
    LogEntry,
    MerkleTree,
    NoteSigner,
    checkpoint_sign,
    credential_digest,
    leaf_hash,
)
from microcred.tlog.inclusion import inclusion_bundle
from microcred.tlog.tiles import log_tiles

ORIGIN = "example.org/o/acme/log"
SIGNER = NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x07" * 32))
KEY = SIGNER.verifier.encode()


def _credential(number: int) -> dict:
    return {"id": f"https://example.org/credentials/{number}", "name": f"Badge {number}"}


def _entries(count: int, tag: str = "") -> list[bytes]:
    return [
        LogEntry(
            kind="credential.issued",
            subject=_credential(i)["id"] + tag,
            digest=credential_digest(_credential(i)),
            at="2026-12-07T10:00:00Z",
        ).encode()
        for i in range(count)
    ]


def _publish(folder: Path, entries: list[bytes]) -> tuple[MerkleTree, str]:
    tree = MerkleTree(leaf_hash(e) for e in entries)
    for path, data in log_tiles(tree, entries).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    note = checkpoint_sign(Checkpoint(ORIGIN, tree.size, tree.root()), SIGNER)
    (folder / "checkpoint").write_text(note)
    return tree, note


def _run(*argv: str, fetch_url=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, fetch_url=fetch_url)
    return code, out.getvalue(), err.getvalue()


def test_verify_reports_index_and_checkpoint(tmp_path: Path) -> None:
    entries = _entries(6)
    tree, note = _publish(tmp_path, entries)
    bundle = inclusion_bundle(
        origin=ORIGIN,
        log_key=KEY,
        index=4,
        entry=entries[4],
        proof=tree.inclusion_proof(4),
        checkpoint_note=note,
        size=tree.size,
    )
    (tmp_path / "proof.json").write_text(json.dumps(bundle))
    (tmp_path / "cred.json").write_text(json.dumps(_credential(4)))
    (tmp_path / "other.json").write_text(json.dumps(_credential(3)))
    args = ["log", "verify", "--proof", str(tmp_path / "proof.json"), "--log-key", KEY]
    assert _run(*args, "--credential", str(tmp_path / "cred.json"))[:2] == (
        0,
        f"logged at index 4, checkpoint 6 of {ORIGIN}\n",
    )
    code, out, _ = _run(*args, "--credential", str(tmp_path / "other.json"))
    assert code == 1 and "another credential" in out
    forged = checkpoint_sign(
        Checkpoint(ORIGIN, 6, bytes(32)), NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    )
    (tmp_path / "forged").write_text(forged)
    code, out, _ = _run(
        *args, "--credential", str(tmp_path / "cred.json"), "--checkpoint", str(tmp_path / "forged")
    )
    assert code == 1 and "no trusted key" in out


def test_monitor_lists_new_entries_and_audit_catches_a_fork(tmp_path: Path) -> None:
    log, state = tmp_path / "log", tmp_path / "state.json"
    log.mkdir()
    _publish(log, _entries(3))
    common = ["--dir", str(log), "--log-key", KEY, "--state", str(state)]
    code, out, _ = _run("log", "monitor", *common)
    assert code == 0 and out.count("credential.issued") == 3
    _publish(log, _entries(5))
    code, out, _ = _run(
        "log", "monitor", *common, "--subject-prefix", "https://example.org/credentials/4"
    )
    assert code == 0 and out.splitlines()[-1].startswith("4\t")
    assert len(json.loads(state.read_text())["checkpoints"]) == 2
    _publish(log, _entries(6, tag="#rewritten"))
    code, out, _ = _run("log", "audit", *common)
    assert code == 1 and "fork: checkpoint seen #1" in out and "PROBLEMS FOUND" in out


def test_audit_by_url_goes_through_the_injected_fetcher(tmp_path: Path) -> None:
    _publish(tmp_path, _entries(300))
    base = "https://logs.example/o/acme/log"
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return (tmp_path / url.removeprefix(base + "/")).read_bytes()

    code, out, _ = _run("log", "audit", "--url", base, "--log-key", KEY, fetch_url=fetch)
    assert code == 0 and out.endswith("OK\n") and asked[0] == f"{base}/checkpoint"
    code, _out, err = _run("log", "audit", "--url", base, "--log-key", KEY)
    assert code == 2 and "--url needs a network fetcher" in err
    code, _out, err = _run("log", "audit", "--dir", str(tmp_path), "--log-key", "nonsense")
    assert code == 2 and "--log-key" in err
