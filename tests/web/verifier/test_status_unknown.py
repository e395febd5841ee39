"""A status list that cannot be retrieved: the verifier says "Status unknown" in plain words,
never "Valid" (Bitstring Status List STATUS_RETRIEVAL_ERROR; decision 0019)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from microcred.keys import KeyPair
from microcred.status import standing_entry
from microcred.verify import issue_credential

pytestmark = pytest.mark.django_db

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


def _credential_with_an_unreachable_list() -> dict[str, Any]:
    key = KeyPair.generate_ed25519()  # did:key: the issuer needs no document
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    # a list URL on this site that does not exist: nothing is fetched, nothing is found
    missing = settings.BASE_URL.rstrip("/") + "/o/nobody/status/message/9"
    data["credentialStatus"] = standing_entry(list_credential_url=missing, index=12)
    signed: dict[str, Any] = issue_credential(data, key, created="2024-01-01T00:00:00Z")
    return signed


def test_api_and_page_say_status_unknown(client) -> None:
    credential = _credential_with_an_unreachable_list()
    body = client.post(
        "/verify/api", data=json.dumps(credential), content_type="application/json"
    ).json()
    assert body["verdict"] == "status-unknown"
    assert body["headline"] == "Status unknown"
    assert "could not be retrieved" in body["explanation"]
    checks = {c["id"]: c for c in body["checks"]}
    assert checks["status"]["status"] == "fail"
    assert checks["status"]["message"] == (
        "Its issuer's status list could not be retrieved, so whether it has been revoked or "
        "suspended is unknown."
    )
    assert "STATUS_RETRIEVAL_ERROR" in checks["status"]["detail"]
    assert checks["proof"]["status"] == "pass"

    page = client.post("/verify/", {"credential": json.dumps(credential)}).content.decode()
    assert "Status unknown" in page and "verdict-status-unknown" in page
    assert ">Valid<" not in page


@pytest.mark.parametrize("issued_before_0019", [False, True])
def test_a_suspended_credential_has_one_status_line_cold_and_cached(
    client, issued, world, make_pre_0019, issued_before_0019
) -> None:
    from microcred_web.issuing import services

    credential = make_pre_0019(issued) if issued_before_0019 else issued
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    services.credential_suspend(credential=credential, actor=world.people["issuer"], reason="Audit")
    for _attempt in ("cold", "cached"):
        body = client.post(
            "/verify/api", data=credential.signed_json, content_type="application/json"
        ).json()
        assert (body["verdict"], body["reason"]) == ("suspended", "Audit")
        lines = [c for c in body["checks"] if c["id"] == "status"]
        assert [(c["status"], c["message"]) for c in lines] == [
            ("fail", "The issuer has suspended it for now.")
        ]
    services.credential_unsuspend(credential=credential, actor=world.people["issuer"], reason="ok")
    body = client.post(
        "/verify/api", data=credential.signed_json, content_type="application/json"
    ).json()
    assert body["verdict"] == "valid"
    assert [c["status"] for c in body["checks"] if c["id"] == "status"] == ["pass"]
