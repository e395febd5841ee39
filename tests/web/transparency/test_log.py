"""The organisation's log through its public endpoints, checked with the core's own verifiers."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from microcred.tlog import (
    NoteVerifier,
    ProofError,
    TileMissing,
    checkpoint_open,
    credential_digest,
    log_audit,
    verify_consistency,
)
from microcred.tlog.inclusion import inclusion_check
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.issuing.signing import issuer_key_rotate
from microcred_web.issuing.status_changes import (
    credential_revoke,
    credential_suspend,
    credential_unsuspend,
)
from microcred_web.transparency.models import LogRecord, TransparencyLog
from microcred_web.transparency.tree import log_trees_forget
from microcred_web.verifier.verification import caches_clear

pytestmark = pytest.mark.django_db


def _issue(world, version, count: int = 1):
    return credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email=f"p{i}@acme.example", name=f"P{i}") for i in range(count)],
        actor=world.people["admin"],
        source="test",
        deliver=False,
    )


def _fetcher(client: Client, slug: str):
    def fetch(path: str) -> bytes:
        response = client.get(f"/o/{slug}/log/{path}")
        if response.status_code != 200:
            raise TileMissing(f"{path}: HTTP {response.status_code}")
        return response.content

    return fetch


def _verifier(world) -> NoteVerifier:
    return NoteVerifier.parse(TransparencyLog.objects.get(organisation=world.org).verifier_key)


def test_issuance_is_logged_with_a_digest_and_no_personal_data(world, version) -> None:
    (credential,) = _issue(world, version)
    record = LogRecord.objects.get()
    entry = json.loads(bytes(record.data))
    document = json.loads(credential.signed_json)
    assert entry["kind"] == "credential.issued" and entry["subject"] == document["id"]
    assert entry["digest"] == credential_digest(document)
    assert b"acme.example" not in bytes(record.data) and b"P0" not in bytes(record.data)


def test_status_changes_and_key_rotation_are_appended_in_order(world, version) -> None:
    (credential,) = _issue(world, version)
    actor = world.people["admin"]
    credential_suspend(credential=credential, actor=actor, reason="check")
    credential_unsuspend(credential=credential, actor=actor, reason="ok")
    credential_revoke(credential=credential, actor=actor, reason="error")
    issuer_key_rotate(organisation=world.org, actor=actor)
    kinds = list(LogRecord.objects.order_by("index").values_list("index", "kind"))
    assert [k for _i, k in kinds][-5:] == [
        "credential.issued",
        "credential.suspended",
        "credential.reinstated",
        "credential.revoked",
        "key.rotated",
    ]
    assert [i for i, _k in kinds] == list(range(len(kinds)))


def test_proof_by_url_verifies_offline_against_the_signed_checkpoint(
    client, world, version
) -> None:
    credentials = _issue(world, version, count=5)
    response = client.get(f"/o/{world.org.slug}/log/proof/{credentials[3].public_id}")
    assert response.status_code == 200
    bundle = response.json()
    document = json.loads(credentials[3].signed_json)
    inclusion = inclusion_check(bundle, document, log_key=_verifier(world).encode())
    assert inclusion.checkpoint.size == bundle["treeSize"] >= 5
    with pytest.raises(Exception, match="another credential"):
        inclusion_check(bundle, json.loads(credentials[2].signed_json))
    with pytest.raises(ProofError):
        inclusion_check({**bundle, "index": bundle["index"] - 1})


def test_checkpoint_consistency_and_a_full_audit_over_http(client, world, version) -> None:
    slug = world.org.slug
    _issue(world, version, count=3)
    first = client.get(f"/o/{slug}/log/checkpoint").content.decode()
    _issue(world, version, count=300)
    second = client.get(f"/o/{slug}/log/checkpoint").content.decode()
    verifier = _verifier(world)
    old, new = checkpoint_open(first, verifier), checkpoint_open(second, verifier)
    answer = client.get(f"/o/{slug}/log/consistency?old={old.size}&new={new.size}").json()
    verify_consistency(
        old_size=old.size,
        new_size=new.size,
        old_root=old.root_hash,
        new_root=new.root_hash,
        proof=[base64.b64decode(p) for p in answer["proof"]],
    )
    report = log_audit(fetch=_fetcher(client, slug), verifier=verifier, seen=[first])
    assert report.ok, report.findings
    assert report.checkpoint is not None and report.checkpoint.size == new.size
    full = client.get(f"/o/{slug}/log/tile/0/000")
    assert "immutable" in full["Cache-Control"] and len(full.content) == 256 * 32


def test_a_rewritten_entry_is_caught_by_the_audit(client, world, version) -> None:
    slug = world.org.slug
    _issue(world, version, count=4)
    seen = client.get(f"/o/{slug}/log/checkpoint").content.decode()
    record = LogRecord.objects.get(index=1)
    record.data = bytes(record.data).replace(b"issued", b"revoked")
    record.save()
    report = log_audit(fetch=_fetcher(client, slug), verifier=_verifier(world), seen=[seen])
    kinds = [(f.kind, f.where) for f in report.findings]
    assert kinds[0] == ("rewrite", "tile/entries")  # the entries no longer give the signed root
    assert ("rewrite", "tile/0/000.p/4") in kinds  # nor the published hashes
    assert ("fork", "checkpoint seen #1") in kinds and not report.ok


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?size=abc", "size"),
        ("?size=999", "size"),
        ("?size=%C2%B2", "size"),
        ("?size=" + "9" * 30, "size"),
    ],
)
def test_bad_proof_requests_name_the_field(client, world, version, query: str, field: str) -> None:
    (credential,) = _issue(world, version)
    response = client.get(f"/o/{world.org.slug}/log/proof/{credential.public_id}{query}")
    assert response.status_code == 404 and response.json()["field"] == field


def test_unknown_credential_and_tiles_beyond_the_log(client, world, version) -> None:
    _issue(world, version)
    client.get(f"/o/{world.org.slug}/log/checkpoint")
    answer = client.get(f"/o/{world.org.slug}/log/proof/00000000-0000-4000-8000-000000000000")
    assert answer.status_code == 404 and answer.json()["field"] == "credential"
    assert client.get(f"/o/{world.org.slug}/log/tile/0/005").json()["field"] == "path"
    assert client.get(f"/o/{world.org.slug}/log/tile/0/x000/1").status_code == 404
    assert client.get(f"/o/{world.org.slug}/log/consistency?old=2&new=1").json()["field"] == "old"


def test_the_verifier_reports_the_log_inclusion(client, world, version, settings) -> None:
    (credential,) = _issue(world, version)
    body = client.post(
        "/verify/api", data=credential.signed_json, content_type="application/json"
    ).json()
    checks = {c["id"]: c for c in body["checks"]}
    assert checks["transparency"]["ok"] is True
    assert checks["transparency"]["detail"].startswith("logged at index ")
    LogRecord.objects.all().delete()  # as if the issuer had kept it out of its log
    log_trees_forget()
    caches_clear()
    settings.MICROCRED_VERIFIER_REQUIRE_LOG = True
    body = client.post(
        "/verify/api", data=credential.signed_json, content_type="application/json"
    ).json()
    checks = {c["id"]: c for c in body["checks"]}
    assert checks["transparency"]["ok"] is False and body["verdict"] == "invalid"


def test_the_public_credential_page_shows_the_inclusion(client, world, version) -> None:
    (credential,) = _issue(world, version)
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    page = client.get(f"/credentials/{credential.public_id}").content.decode()
    assert "of the issuer&#x27;s public log" in page or "of the issuer's public log" in page
    proof_url = f"/o/{world.org.slug}/log/proof/{credential.public_id}"
    assert f'href="{proof_url}"' in page
    assert client.get(proof_url).json()["type"] == "TransparencyLogInclusion"
