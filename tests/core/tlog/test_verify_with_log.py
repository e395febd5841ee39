"""``microcred verify --log-proof``: "logged at index N, checkpoint T", and a validly signed
credential absent from its issuer's log is a warning that ``--require-log`` makes fatal."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.cli import main
from microcred.did import controller_document
from microcred.keys import PublicKey
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

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
ISSUER = "https://example.com/issuers/876543"
NOW = "2025-06-01T00:00:00Z"
ORIGIN = "example.com/o/issuer/log"
SIGNER = NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x05" * 32))


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=sys.stdin)
    return code, out.getvalue() + err.getvalue()


def _signed(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    key_file = tmp_path / "key.json"
    assert _run("keygen", "--out", str(key_file), "--controller", ISSUER)[0] == 0
    unsigned: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    unsigned.pop("proof")
    (tmp_path / "in.json").write_text(json.dumps(unsigned))
    code, out = _run("sign", "--key", str(key_file), "--created", NOW, str(tmp_path / "in.json"))
    assert code == 0, out
    signed = tmp_path / "signed.json"
    signed.write_text(out)
    key = json.loads(key_file.read_text())
    docs = tmp_path / "docs.json"
    public = PublicKey.from_multibase(key["publicKeyMultibase"])
    docs.write_text(json.dumps({ISSUER: controller_document(ISSUER, [(key["id"], public)])}))
    return signed, docs, json.loads(out)


def _bundle(tmp_path: Path, document: dict[str, Any]) -> Path:
    entries = [
        LogEntry(kind="credential.issued", subject=f"urn:other:{i}", digest="", at=NOW).encode()
        for i in range(6)
    ]
    entries.insert(
        3,
        LogEntry(
            kind="credential.issued",
            subject=document["id"],
            digest=credential_digest(document),
            at=NOW,
        ).encode(),
    )
    tree = MerkleTree(leaf_hash(e) for e in entries)
    note = checkpoint_sign(Checkpoint(ORIGIN, tree.size, tree.root()), SIGNER)
    bundle = inclusion_bundle(
        origin=ORIGIN,
        log_key=SIGNER.verifier.encode(),
        index=3,
        entry=entries[3],
        proof=tree.inclusion_proof(3),
        checkpoint_note=note,
        size=tree.size,
    )
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(bundle))
    return path


def test_logged_credential_reports_index_and_checkpoint(tmp_path: Path) -> None:
    signed, docs, document = _signed(tmp_path)
    proof = _bundle(tmp_path, document)
    common = ["verify", "--now", NOW, "--docs", str(docs)]
    code, out = _run(
        *common, "--log-proof", str(proof), "--log-key", SIGNER.verifier.encode(), str(signed)
    )
    assert code == 0 and f"✓ transparency: logged at index 3, checkpoint 7 of {ORIGIN}" in out


def test_absent_from_the_log_is_a_warning_a_policy_makes_fatal(tmp_path: Path) -> None:
    signed, docs, document = _signed(tmp_path)
    common = ["verify", "--json", "--now", NOW, "--docs", str(docs)]
    code, out = _run(*common, "--require-log", str(signed))
    report = json.loads(out)
    assert code == 1 and report["checks"][-1]["code"] == "not-logged"
    other = dict(document, name="Another badge")  # a proof for another credential
    proof = _bundle(tmp_path, other)
    code, out = _run(*common, "--log-proof", str(proof), str(signed))
    check = json.loads(out)["checks"][-1]
    assert code == 0 and check["status"] == "warn" and "not this credential's" in check["reason"]
