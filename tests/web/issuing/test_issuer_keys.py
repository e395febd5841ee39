"""Key compromise from the issuer settings page: list, confirm, audit, verification cut-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from microcred.verify import verify_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services
from microcred_web.issuing.models import IssuerKey
from microcred_web.issuing.services import RecipientInput
from microcred_web.issuing.signing import issuer_key_mark_compromised, issuer_key_rotate
from microcred_web.issuing.verification import credential_verify


def issue_at(world, version, email, moment):
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email=email)],
        actor=None,
        source="t",
        now=moment,
        deliver=False,
    )
    return credential


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_settings_page_lists_keys_with_their_state(client, world, version):
    issue_at(world, version, "a@acme.example", timezone.now())
    issuer_key_rotate(organisation=world.org, actor=world.people["admin"])
    client.force_login(world.people["admin"])
    page = client.get("/o/acme/issuer-settings/").content.decode()
    assert page.count("Mark compromised") == 2
    assert "active" in page and "retired" in page
    first = IssuerKey.objects.filter(organisation=world.org).order_by("created_at", "id").first()
    issuer_key_mark_compromised(
        key=first, actor=world.people["admin"], compromised_after=timezone.now(), reason="leak"
    )
    page = client.get("/o/acme/issuer-settings/").content.decode()
    assert "compromised" in page and "are rejected" in page and "leak" in page
    assert page.count("Mark compromised") == 1


@pytest.mark.django_db(transaction=True)
def test_compromise_via_the_page_cuts_off_later_signatures_only(
    client, world, version, resolver_for
):
    now = timezone.now()
    before = issue_at(world, version, "before@acme.example", now - timedelta(hours=3))
    after = issue_at(world, version, "after@acme.example", now - timedelta(hours=1))
    # a revocation re-signs the status list now, with the key about to be marked compromised
    bystander = issue_at(world, version, "x@acme.example", now - timedelta(hours=1))
    services.credential_revoke(credential=bystander, actor=None, reason="test")
    key = IssuerKey.objects.get(organisation=world.org)
    url = f"/o/acme/issuer-settings/keys/{key.pk}/compromise/"
    cutoff = local_input(now - timedelta(hours=2))
    client.force_login(world.people["admin"])

    form = client.get(url)
    assert form.status_code == 200 and b"Compromised since" in form.content
    future = client.post(
        url, {"compromised_after": local_input(now + timedelta(days=1)), "reason": "x"}
    )
    assert future.status_code == 400 and b"in the past" in future.content

    confirm = client.post(url, {"compromised_after": cutoff, "reason": "Laptop stolen"})
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Please confirm" in text and "2 credentials issued with this key" in text
    key.refresh_from_db()
    assert key.compromised_after is None  # nothing happens before the confirmation

    done = client.post(
        url, {"compromised_after": cutoff, "reason": "Laptop stolen", "confirm": "yes"}
    )
    assert done.status_code == 302 and done["Location"] == "/o/acme/issuer-settings/"
    key.refresh_from_db()
    assert key.compromised_after is not None and key.retirement_reason == "Laptop stolen"
    event = AuditEvent.objects.get(action="issuing.key_compromised")
    assert event.actor == world.people["admin"] and event.data["reason"] == "Laptop stolen"
    assert IssuerKey.objects.filter(organisation=world.org).count() == 2  # a new active key

    assert client.get("/o/acme/status/message/1").status_code == 200  # re-signed now
    moment = timezone.now()
    assert credential_verify(before.document, now=moment).verdict == "valid"
    rejected = credential_verify(after.document, now=moment)
    assert rejected.verdict != "valid"
    assert "cannot sign after" in rejected.report.check("proof").reason
    # the key stays published: an outside verifier still accepts what it signed before
    report = verify_credential(before.document, now=moment, resolver=resolver_for(before.document))
    assert report.verdict == "valid", report.to_json()
    # a second compromise of the same key is refused
    assert client.get(url).status_code == 302


def test_service_refuses_future_moments_and_repeats(world, version):
    issue_at(world, version, "a@acme.example", timezone.now())
    key = IssuerKey.objects.get(organisation=world.org)
    with pytest.raises(ApplicationError) as future:
        issuer_key_mark_compromised(
            key=key, actor=None, compromised_after=timezone.now() + timedelta(hours=1)
        )
    assert future.value.field == "compromised_after"
    issuer_key_mark_compromised(key=key, actor=None, compromised_after=timezone.now())
    with pytest.raises(ApplicationError) as again:
        issuer_key_mark_compromised(key=key, actor=None, compromised_after=timezone.now())
    assert again.value.code == "key_already_compromised"
