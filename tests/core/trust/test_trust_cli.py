"""``microcred verify --trust-registry / --dcc-registry / --require-trusted-issuer``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from microcred.cli import main
from ob30_issuers import fixture_documents

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
SIMPLE = VECTORS / "ob30" / "simple.json"
PLAIN = VECTORS / "trust-registries" / "microcred-registry.json"
DCC = VECTORS / "trust-registries" / "dcc-registry.json"
NOW = "2025-06-01T00:00:00Z"


class _Stdin:
    buffer = io.BytesIO(b"")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=_Stdin())
    return code, out.getvalue(), err.getvalue()


def _docs(tmp_path: Path) -> str:
    docs = tmp_path / "docs.json"
    docs.write_text(json.dumps(fixture_documents()))
    return str(docs)


def _trust(out: str) -> dict[str, str]:
    checks = json.loads(out.splitlines()[0])["checks"]
    return next(c for c in checks if c["name"] == "trust")


def test_issuer_found_in_a_dcc_registry_by_its_did_web(tmp_path: Path) -> None:
    code, out, err = run(
        "verify", "--json", "--now", NOW, "--docs", _docs(tmp_path),
        "--dcc-registry", f"DCC Sandbox={DCC}", str(SIMPLE),
    )  # fmt: skip
    assert code == 0, err
    trust = _trust(out)
    assert trust["status"] == "pass"
    assert trust["reason"] == (
        'issuer is in registry "DCC Sandbox" as "Example Institute of Technology"'
    )


def test_plain_registry_is_asked_first(tmp_path: Path) -> None:
    code, out, _ = run(
        "verify", "--now", NOW, "--docs", _docs(tmp_path), "--trust-registry", str(PLAIN),
        "--dcc-registry", f"DCC={DCC}", str(SIMPLE),
    )  # fmt: skip
    assert code == 0
    assert '✓ trust: issuer is in registry "Logistics Skills Council' in out


def test_unknown_issuer_warns_and_fails_only_when_required(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"type": "IssuerRegistry", "name": "Elsewhere", "issuers": []}))
    args = ["verify", "--json", "--now", NOW, "--docs", _docs(tmp_path)]
    code, out, _ = run(*args, "--trust-registry", str(other), str(SIMPLE))
    assert code == 0 and _trust(out)["status"] == "warn"
    assert _trust(out)["reason"] == 'issuer not in any configured registry ("Elsewhere")'
    code, out, _ = run(
        *args, "--trust-registry", str(other), "--require-trusted-issuer", str(SIMPLE)
    )
    assert code == 1 and _trust(out)["status"] == "fail"
    assert json.loads(out)["verdict"] == "invalid"


def test_malformed_registry_is_a_usage_error_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "IssuerRegistry", "name": "X", "issuers": [{}]}))
    code, _, err = run("verify", "--now", NOW, "--trust-registry", str(bad), str(SIMPLE))
    assert code == 2 and "$.issuers[0].id" in err
    code, _, err = run("verify", "--now", NOW, "--dcc-registry", str(DCC), str(SIMPLE))
    assert code == 2 and "NAME=FILE" in err


def test_without_registries_there_is_no_trust_line(tmp_path: Path) -> None:
    code, out, _ = run("verify", "--json", "--now", NOW, "--docs", _docs(tmp_path), str(SIMPLE))
    assert code == 0
    assert all(c["name"] != "trust" for c in json.loads(out)["checks"])
