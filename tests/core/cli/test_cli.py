from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main
from microcred.did import controller_document
from microcred.keys import PublicKey
from ob30_issuers import fixture_documents

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
ISSUER = "https://example.com/issuers/876543"
NOW = "2025-06-01T00:00:00Z"


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=_Stdin(stdin))
    return code, out.getvalue(), err.getvalue()


def _unsigned() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    return data


@pytest.fixture()
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    code, out, _ = run("keygen", "--out", str(path), "--controller", ISSUER)
    assert code == 0 and out.startswith(ISSUER + "#z6Mk")
    return path


def _issuer_docs(tmp_path: Path, key_file: Path) -> Path:
    """A --docs file with the issuer's controller document listing the key in ``key_file``."""
    key = json.loads(key_file.read_text())
    public = PublicKey.from_multibase(key["publicKeyMultibase"])
    docs = tmp_path / "issuer-docs.json"
    docs.write_text(json.dumps({ISSUER: controller_document(ISSUER, [(key["id"], public)])}))
    return docs


def _fixture_docs(tmp_path: Path, extra: dict[str, Any] | None = None) -> Path:
    docs = tmp_path / "fixture-docs.json"
    docs.write_text(json.dumps({**fixture_documents(), **(extra or {})}))
    return docs


def test_keygen_writes_a_private_multikey(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = json.loads(key_file.read_text())
    assert {"id", "controller", "publicKeyMultibase", "secretKeyMultibase"} <= set(key)
    assert key["controller"] == ISSUER


def test_sign_then_verify(tmp_path: Path, key_file: Path) -> None:
    unsigned = tmp_path / "in.json"
    unsigned.write_text(json.dumps(_unsigned()))
    code, out, err = run("sign", "--key", str(key_file), "--created", NOW, str(unsigned))
    assert code == 0, err
    signed = tmp_path / "signed.json"
    signed.write_text(out)
    code, out, _ = run("verify", "--now", NOW, str(signed))
    assert code == 1 and "UNKNOWN" in out.upper()  # no --docs: nothing binds the key
    docs = _issuer_docs(tmp_path, key_file)
    code, out, _ = run("verify", "--now", NOW, "--docs", str(docs), str(signed))
    assert code == 0
    assert "VALID" in out and "✓ proof" in out
    tampered = json.loads(signed.read_text())
    tampered["name"] = "Forged"
    code, out, _ = run(
        "verify",
        "--json",
        "--now",
        NOW,
        "--docs",
        str(docs),
        "-",
        stdin=json.dumps(tampered).encode(),
    )
    assert code == 1
    assert json.loads(out)["verdict"] == "tampered"


def test_sign_jsonl_reports_bad_lines_and_signs_the_rest(tmp_path: Path, key_file: Path) -> None:
    good = json.dumps(_unsigned())
    bad = _unsigned()
    bad["credentialSubject"]["undefinedThing"] = 1
    lines = "\n".join([good, "{not json", json.dumps(bad), good]) + "\n"
    code, out, err = run("sign", "--key", str(key_file), "--jsonl", "-", stdin=lines.encode())
    assert code == 1
    assert len(out.splitlines()) == 2
    assert "line 2:" in err and "line 3:" in err and "undefinedThing" in err
    docs = str(_issuer_docs(tmp_path, key_file))
    code, out, _ = run(
        "verify", "--jsonl", "--json", "--now", NOW, "--docs", docs, "-", stdin=out.encode()
    )
    assert code == 0 and [json.loads(x)["ok"] for x in out.splitlines()] == [True, True]


def test_sign_jsonl_batch_equals_one_by_one(tmp_path: Path, key_file: Path) -> None:
    documents = []
    for number in range(5):
        document = _unsigned()
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{number}"
        document["name"] = f"Credential {number}"
        documents.append(document)
    bad = _unsigned()
    bad["issuer"] = {"id": "https://example.com/someone-else", "type": ["Profile"]}
    lines = [json.dumps(d) for d in documents[:2]] + ["[1, 2]", json.dumps(bad)]
    lines += [json.dumps(d) for d in documents[2:]]
    stdin = ("\n".join(lines) + "\n").encode()
    code, out, err = run(
        "sign", "--key", str(key_file), "--created", NOW, "--jsonl", "-", stdin=stdin
    )
    assert code == 1
    assert "line 3: refused: not a credential" in err
    assert "line 4: refused" in err and "is not the issuer" in err
    one_by_one = []
    for number, document in enumerate(documents):
        path = tmp_path / f"{number}.json"
        path.write_text(json.dumps(document))
        status, text, _ = run("sign", "--key", str(key_file), "--created", NOW, str(path))
        assert status == 0
        one_by_one.append(text)
    assert out == "".join(one_by_one)


def test_verify_fixtures_with_docs(tmp_path: Path) -> None:
    revoked = OB30 / "bit-string-list" / "credential-status-revoked.json"
    url = json.loads(revoked.read_text())["credentialStatus"]["statusListCredential"]
    docs = _fixture_docs(
        tmp_path, {url: json.loads((OB30 / "bit-string-list/testlist").read_text())}
    )
    code, out, _ = run(
        "verify",
        "--json",
        "--now",
        NOW,
        "--docs",
        str(docs),
        str(OB30 / "simple.json"),
        str(OB30 / "simple-jwt.png"),
        str(OB30 / "simple-json.svg"),
    )
    assert code == 0
    assert [json.loads(x)["container"] for x in out.splitlines()] == ["json", "png", "svg"]
    code, out, _ = run("verify", "--now", NOW, "--docs", str(docs), str(revoked))
    # the fixture writes statusListIndex as a JSON number: malformed per the REC
    assert code == 1 and "MALFORMED" in out and "✗ status" in out
    assert "statusListIndex" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("verify")[0] == 2
    assert run("verify", str(tmp_path / "missing.json"))[0] == 2
    assert run("verify", "--now", "tomorrow", str(OB30 / "simple.json"))[0] == 2
    code, _, err = run("sign", "--key", str(tmp_path / "nokey.json"), "x.json")
    assert code == 2 and "cannot read" in err
    assert run("frobnicate")[0] == 2


def test_context_option_pins_an_extra_context(tmp_path: Path) -> None:
    context = tmp_path / "ctx.json"
    context.write_text(json.dumps({"@context": {"favouriteColour": "https://example.org/colour"}}))
    document = _unsigned()
    document["@context"].append("https://example.org/ctx")
    document["credentialSubject"]["favouriteColour"] = "green"
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document))
    assert run("canonicalize", str(source))[0] == 1
    code, out, _ = run(
        "canonicalize", "--context", f"https://example.org/ctx={context}", str(source)
    )
    assert code == 0 and '<https://example.org/colour> "green"' in out


def test_bake_and_extract(tmp_path: Path) -> None:
    signed = OB30 / "simple.json"
    png = tmp_path / "badge.png"
    from microcred.baking import extract

    png.write_bytes(_blank_png())
    out_png = tmp_path / "baked.png"
    assert (
        run("bake", "--image", str(png), "--credential", str(signed), "--out", str(out_png))[0] == 0
    )
    assert (
        json.loads(extract(out_png.read_bytes()).payload)["id"]
        == json.loads(signed.read_text())["id"]
    )
    code, out, _ = run("extract", str(out_png))
    assert code == 0 and json.loads(out)["id"] == "http://example.com/credentials/3527"
    docs = str(_fixture_docs(tmp_path))
    code, out, _ = run("verify", "--now", NOW, "--docs", docs, str(out_png))
    assert code == 0 and "baked PNG" in out


def _blank_png() -> bytes:
    import png  # pypng

    buffer = io.BytesIO()
    png.Writer(1, 1, greyscale=True).write(buffer, [[0]])
    return buffer.getvalue()


def test_console_script_runs_as_a_real_process(tmp_path: Path) -> None:
    script = shutil.which("microcred", path=os.path.dirname(sys.executable))
    assert script is not None, "the microcred console script is installed in the venv"
    result = subprocess.run(
        [
            script,
            "verify",
            "--json",
            "--now",
            NOW,
            "--docs",
            str(_fixture_docs(tmp_path)),
            str(OB30 / "simple.json"),
            str(OB30 / "simple-err-expired.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    verdicts = [json.loads(line)["verdict"] for line in result.stdout.splitlines()]
    assert verdicts == ["valid", "expired"]


FORGED_ISSUERS = ["did:web:microcred.example:o:acme", "did:web:nowhere.example", ISSUER]


@pytest.mark.parametrize("issuer", FORGED_ISSUERS)
@pytest.mark.parametrize("forgery", ["fragment", "jwt-jwk", "jwt-kid"])
def test_verify_refuses_forged_issuers_with_and_without_docs(
    tmp_path: Path, issuer: str, forgery: str
) -> None:
    """An attacker's key named as the issuer's (decision 0017): unknown-issuer, even when
    --docs holds the issuer's real DID document."""
    from key_forgery import fragment_forgery, jwt_jwk_forgery, jwt_kid_forgery
    from microcred.keys import KeyPair

    make = {"fragment": fragment_forgery, "jwt-jwk": jwt_jwk_forgery, "jwt-kid": jwt_kid_forgery}
    forged = make[forgery](issuer)
    path = tmp_path / "forged.txt"
    path.write_text(forged if isinstance(forged, str) else json.dumps(forged))
    real = KeyPair.generate_ed25519(controller=issuer)
    docs = tmp_path / "real-docs.json"
    docs.write_text(json.dumps({issuer: controller_document(issuer, [(real.id, real.public)])}))
    for extra in ([], ["--docs", str(docs)]):
        code, out, _ = run("verify", "--json", "--now", NOW, *extra, str(path))
        assert code == 1
        assert json.loads(out)["verdict"] == "unknown-issuer", out


def test_verify_refuses_another_did_key_for_a_did_key_issuer(tmp_path: Path) -> None:
    from key_forgery import did_key_forgery, did_key_fragment_forgery
    from microcred.keys import KeyPair

    issuer = KeyPair.generate_ed25519().controller
    for forged in (did_key_forgery(issuer), did_key_fragment_forgery(issuer)):
        path = tmp_path / "forged.json"
        path.write_text(json.dumps(forged))
        code, out, _ = run("verify", "--json", "--now", NOW, str(path))
        assert code == 1 and json.loads(out)["verdict"] == "unknown-issuer", out


def test_verify_accepts_a_genuine_did_key_credential_offline(tmp_path: Path) -> None:
    from key_forgery import CREATED, unsigned_credential
    from microcred.keys import KeyPair
    from microcred.suites import eddsa_rdfc_2022

    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(unsigned_credential(key.controller), key, created=CREATED)
    path = tmp_path / "did-key.json"
    path.write_text(json.dumps(signed))
    code, out, _ = run("verify", "--json", "--now", NOW, str(path))
    assert code == 0 and json.loads(out)["verdict"] == "valid", out
