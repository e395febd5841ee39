"""``microcred verify`` and ``microcred sign`` refuse what the signature would not cover
(decision 0018): duplicate keys, JSON-LD keywords, nulls, repeated members."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from microcred.cli import main
from microcred.keys import KeyPair
from microcred.verify import issue_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
NOW = "2025-06-01T00:00:00Z"
KEY = KeyPair.from_ed25519_seed(bytes(range(32)))


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
    data["issuer"]["id"] = KEY.controller
    return data


def test_verify_refuses_unsigned_content_and_duplicate_keys() -> None:
    signed = issue_credential(_unsigned(), KEY, created=NOW)
    assert isinstance(signed, dict)
    code, out, _ = run("verify", "--json", "--now", NOW, "-", stdin=json.dumps(signed).encode())
    assert code == 0 and json.loads(out)["verdict"] == "valid"
    reverse = {**signed, "@reverse": {}}
    code, out, _ = run("verify", "--json", "--now", NOW, "-", stdin=json.dumps(reverse).encode())
    assert code != 0 and json.loads(out)["verdict"] == "malformed"
    assert "$['@reverse']" in out
    twice = json.dumps(signed).replace('"issuer": {', '"issuer": {"name": "FAKE", ', 1)
    code, out, _ = run("verify", "--json", "--now", NOW, "-", stdin=twice.encode())
    assert code != 0 and json.loads(out)["verdict"] == "malformed"
    assert "$.issuer.name" in out


def test_sign_refuses_duplicate_keys_and_unsigned_content(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(KEY.to_multikey_json()))
    twice = json.dumps(_unsigned()).replace('"issuer": {', '"issuer": {"name": "FAKE", ', 1)
    code, _, err = run("sign", "--key", str(key_file), "-", stdin=twice.encode())
    assert code != 0 and "$.issuer.name" in err
    nulled = {**_unsigned(), "name": None}
    code, out, err = run("sign", "--key", str(key_file), "-", stdin=json.dumps(nulled).encode())
    assert code != 0 and out == "" and "$.name" in err
