"""One credentialStatus entry carries revocation and suspension (decision 0019): a 2-bit
``message`` entry of a published BitstringStatusListCredential. Checked offline from the
documents this app serves (the same the CLI gets with ``--docs``); credentials issued before
0019 (a one-bit revocation entry) keep verifying and being revoked."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from microcred.cli import main
from microcred.did import MapResolver, did_web_to_url
from microcred.schema import validate_document
from microcred.status import STANDING_MESSAGES, check_status, status_entry
from microcred.verify import verify_credential
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential, StatusList, StatusPurpose
from microcred_web.issuing.services import RecipientInput
from microcred_web.issuing.verification import credential_verify

pytestmark = pytest.mark.django_db


def _issue(world: Any, version: Any, email: str = "a@acme.example") -> Credential:
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email=email)],
        actor=None,
        source="t",
        deliver=False,
    )
    return credential


def _path(url: str) -> str:
    base = settings.BASE_URL.rstrip("/")
    assert url.startswith(base), url
    return url[len(base) :]


def _published(client: Any, document: dict[str, Any]) -> dict[str, Any]:
    """{URL: document} for the issuer's DID document and the status list, as served now."""
    issuer = document["issuer"]["id"]
    did = client.get(urlsplit(did_web_to_url(issuer)).path)
    assert did.status_code == 200
    url = document["credentialStatus"]["statusListCredential"]
    listing = client.get(_path(url))
    assert listing.status_code == 200, url
    return {issuer: json.loads(did.content), url: json.loads(listing.content)}


def _cli(docs: dict[str, Any], document: dict[str, Any], tmp_path: Any, *flags: str) -> str:
    docs_file, credential_file = tmp_path / "docs.json", tmp_path / "credential.json"
    docs_file.write_text(json.dumps(docs))
    credential_file.write_text(json.dumps(document))
    out = io.StringIO()
    main(
        ["verify", "--json", *flags, "--docs", str(docs_file), str(credential_file)],
        stdout=out,
        stderr=io.StringIO(),
    )
    verdict: str = json.loads(out.getvalue())["verdict"]
    return verdict


def test_issued_credentials_carry_one_entry_for_revocation_and_suspension(world, version):
    credential = _issue(world, version)
    document = credential.document
    entry = document["credentialStatus"]
    assert isinstance(entry, dict)
    assert entry["statusPurpose"] == "message" and entry["statusSize"] == 2
    assert [(int(m["status"], 16), m["message"]) for m in entry["statusMessage"]] == list(
        STANDING_MESSAGES
    )
    assert entry["statusListCredential"].endswith("/o/acme/status/message/1")
    assert entry["statusListIndex"] == str(credential.revocation_status_index)
    assert credential.suspension_list_id is None and credential.suspension_status_index is None
    assert validate_document(document).problems == ()

    # two entries, as VC 2.0 would allow, fail the pinned OB 3.0 schema (decision 0006)
    second = status_entry(
        list_credential_url=entry["statusListCredential"], index=1, purpose="revocation"
    )
    problems = validate_document({**document, "credentialStatus": [entry, second]}).problems
    assert [p.path for p in problems] == ["$.credentialStatus"], problems


def test_suspend_reinstate_revoke_through_the_published_list(world, version, client, tmp_path):
    credential = _issue(world, version)
    document = credential.document
    now = timezone.now() + timedelta(seconds=1)
    admin = world.people["admin"]

    def verdict_offline() -> str:
        docs = _published(client, document)
        in_python = verify_credential(document, now=now, resolver=MapResolver(docs)).verdict
        assert _cli(docs, document, tmp_path, "--now", now.isoformat()) == in_python
        return in_python

    def entry_value() -> int:
        listing = _published(client, document)[document["credentialStatus"]["statusListCredential"]]
        return check_status(document["credentialStatus"], listing).value

    assert (verdict_offline(), entry_value()) == ("valid", 0)
    services.credential_suspend(credential=credential, actor=admin, reason="Under review")
    assert (verdict_offline(), entry_value()) == ("suspended", 1)
    ours = credential_verify(credential.signed_json, now=now).report
    status = ours.check("status")
    assert ours.verdict == "suspended" and status is not None
    assert status.reason.startswith("suspended by its issuer: Under review (")
    assert [c.name for c in ours.checks if c.status == "fail"] == ["status"]

    services.credential_unsuspend(credential=credential, actor=admin, reason="Cleared")
    assert (verdict_offline(), entry_value()) == ("valid", 0)

    services.credential_suspend(credential=credential, actor=admin, reason="Again")
    services.credential_revoke(credential=credential, actor=admin, reason="Fraud")
    assert (verdict_offline(), entry_value()) == ("revoked", 2)
    # revocation is final: the entry cannot be suspended or reinstated any more
    credential.refresh_from_db()
    assert credential.suspended_at is not None  # still marked, but the entry says revoked
    services.credential_unsuspend(credential=credential, actor=admin, reason="Oops")
    assert (verdict_offline(), entry_value()) == ("revoked", 2)
    ours = credential_verify(credential.signed_json, now=now).report
    assert ours.verdict == "revoked"
    assert "Fraud" in (ours.check("status") or ours.checks[0]).reason


def test_cli_without_the_list_says_status_unknown_unless_allowed(world, version, client, tmp_path):
    credential = _issue(world, version)
    document = credential.document
    docs = _published(client, document)
    del docs[document["credentialStatus"]["statusListCredential"]]
    now = (timezone.now() + timedelta(seconds=1)).isoformat()
    assert _cli(docs, document, tmp_path, "--now", now) == "status-unknown"
    assert _cli(docs, document, tmp_path, "--now", now, "--allow-unknown-status") == "valid"


def test_suspension_lists_are_not_published(world, version, client):
    _issue(world, version)
    assert client.get("/o/acme/status/message/1").status_code == 200
    StatusList.objects.create(
        organisation=world.org, purpose=StatusPurpose.SUSPENSION, number=1, encoded_list="u"
    )
    assert client.get("/o/acme/status/suspension/1").status_code == 404


def test_credentials_with_a_revocation_entry_keep_working(world, version, client, make_pre_0019):
    credential = make_pre_0019(_issue(world, version))
    document = credential.document
    now = timezone.now() + timedelta(seconds=1)
    admin = world.people["admin"]
    assert document["credentialStatus"]["statusPurpose"] == "revocation"
    assert verify_credential(
        document, now=now, resolver=MapResolver(_published(client, document))
    ).ok
    assert credential_verify(credential.signed_json, now=now).report.verdict == "valid"

    # suspension: the entry cannot say it, our records do (one status line, no contradiction)
    services.credential_suspend(credential=credential, actor=admin, reason="Under review")
    offline = verify_credential(
        document, now=now, resolver=MapResolver(_published(client, document))
    )
    assert offline.verdict == "valid"  # what a third party can know
    ours = credential_verify(credential.signed_json, now=now).report
    assert ours.verdict == "suspended"
    assert [c.status for c in ours.checks if c.name == "status"] == ["fail"]
    assert "Under review" in (ours.check("status") or ours.checks[0]).reason
    services.credential_unsuspend(credential=credential, actor=admin, reason="Cleared")
    assert credential_verify(credential.signed_json, now=now).report.verdict == "valid"

    services.credential_revoke(credential=credential, actor=admin, reason="Fraud")
    offline = verify_credential(
        document, now=now, resolver=MapResolver(_published(client, document))
    )
    assert offline.verdict == "revoked"
    ours = credential_verify(credential.signed_json, now=now).report
    assert ours.verdict == "revoked" and "Fraud" in (ours.check("status") or ours.checks[0]).reason


def _status_lines(client: Any, credential: Credential) -> list[str]:
    """The status line(s) of the public page's verification summary, as shown."""
    page = client.get(f"/credentials/{credential.public_id}")
    assert page.status_code == 200
    lines = [row for row in page.context["checks"] if row["label"] == "Revocation and suspension"]
    return [f"{row['status']}: {row['plain']}" for row in lines]


@pytest.mark.parametrize("issued_before_0019", [False, True])
def test_public_page_shows_one_status_line_with_the_reason(
    world, version, client, make_pre_0019, issued_before_0019
):
    credential = _issue(world, version)
    if issued_before_0019:
        credential = make_pre_0019(credential)
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    assert _status_lines(client, credential) == [
        "pass: Neither revoked nor suspended by the issuer."
    ]
    services.credential_suspend(
        credential=credential, actor=world.people["admin"], reason="Under review"
    )
    lines = _status_lines(client, credential)
    assert lines == [
        "fail: The issuer has suspended it for now. Reason given by the issuer: Under review"
    ]
    page = client.get(f"/credentials/{credential.public_id}").content.decode()
    assert "Neither revoked nor suspended" not in page
    assert 'id="status-banner"' in page and "Under review" in page
    services.credential_unsuspend(credential=credential, actor=world.people["admin"], reason="ok")
    assert _status_lines(client, credential) == [
        "pass: Neither revoked nor suspended by the issuer."
    ]
