"""Bounces reported through the API, shown to issuers, and re-sending to a corrected address."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.utils import timezone

from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential, DeliveryStatus
from microcred_web.issuing.services import REISSUE_REASON, RecipientInput
from microcred_web.issuing.verification import credential_verify

URL = "/api/v1/deliveries/bounces"


def issue(organisation, version, email, capture, name="Rae Recipient", result=None):
    with capture(execute=True):
        [credential] = services.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[RecipientInput(email=email, name=name, result=result or [])],
            actor=None,
            source="t",
        )
    return credential


def report(client, body, secret=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def api_key(world) -> str:
    _key, secret = services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="Mail provider"
    )
    return secret


def test_bounce_webhook_marks_only_the_keys_organisation(
    client, world, version, api_key, django_capture_on_commit_callbacks
):
    from tests.web.issuing.conftest import VALUES

    from microcred_web.achievements import services as achievement_services

    other_version = achievement_services.achievement_publish(
        achievement=achievement_services.achievement_create(
            organisation=world.other, actor=None, values=VALUES
        ),
        actor=None,
    )
    ours = issue(world.org, version, "gone@example.org", django_capture_on_commit_callbacks)
    theirs = issue(
        world.other, other_version, "gone@example.org", django_capture_on_commit_callbacks
    )

    assert report(client, {"email": "gone@example.org"}).status_code == 401
    assert report(client, {"email": "gone@example.org"}, "mck_forged").status_code == 401
    bad = report(client, {"email": "not an address"}, api_key)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "email"

    response = report(client, {"email": "Gone@Example.org", "reason": "550 no such user"}, api_key)
    assert response.status_code == 201, response.content
    assert response.json() == {"email": "gone@example.org", "credentials_marked": 1}
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.delivery_status == DeliveryStatus.BOUNCED
    assert ours.bounce_reason == "550 no such user"
    assert theirs.delivery_status == DeliveryStatus.SENT
    assert AuditEvent.objects.filter(
        action="issuing.delivery_bounced", organisation=world.org
    ).exists()

    # later mail from this organisation to the address stops; the other one's still goes
    mail.outbox.clear()
    again = issue(world.org, version, "gone@example.org", django_capture_on_commit_callbacks, "B")
    issue(world.other, other_version, "gone@example.org", django_capture_on_commit_callbacks, "C")
    again.refresh_from_db()
    assert again.delivery_status == DeliveryStatus.BOUNCED
    assert [m.to for m in mail.outbox] == [["gone@example.org"]]  # the other organisation's


def test_bounce_webhook_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert "bounce" in operation["summary"].lower()
    assert operation.get("security"), "the endpoint must require the API key"


def test_bounced_credentials_are_shown_and_filterable(
    client, world, version, django_capture_on_commit_callbacks
):
    bounced = issue(world.org, version, "gone@example.org", django_capture_on_commit_callbacks)
    issue(world.org, version, "fine@example.org", django_capture_on_commit_callbacks, "Fina")
    services.delivery_bounce_record(email="gone@example.org", reason="550 no such user")
    client.force_login(world.people["issuer"])
    page = client.get("/o/acme/credentials/").content.decode()
    assert page.count("e-mail bounced") == 1
    only = client.get("/o/acme/credentials/?status=bounced").content.decode()
    assert "gone@example.org" in only and "fine@example.org" not in only
    detail = client.get(f"/o/acme/credentials/{bounced.public_id}/").content.decode()
    assert "E-mail bounced" in detail and "550 no such user" in detail
    assert "Send to a corrected address" in detail


@pytest.mark.django_db(transaction=True)
def test_reissue_to_a_corrected_address_revokes_and_issues_again(
    client, world, version, django_capture_on_commit_callbacks
):
    old = issue(
        world.org,
        version,
        "rae@exmaple.org",
        django_capture_on_commit_callbacks,
        result=[{"value": "88"}],
    )
    services.delivery_bounce_record(email="rae@exmaple.org", reason="domain not found")
    client.force_login(world.people["issuer"])
    url = f"/o/acme/credentials/{old.public_id}/reissue/"
    same = client.post(url, {"email": "rae@exmaple.org"})
    assert same.status_code == 400 and b"different from the one that bounced" in same.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "rae@example.org"})
    assert response.status_code == 302
    new = Credential.objects.exclude(pk=old.pk).get()
    assert response["Location"] == f"/o/acme/credentials/{new.public_id}/"
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revocation_reason == REISSUE_REASON
    assert new.recipient_email == "rae@example.org" and new.recipient_name == "Rae Recipient"
    assert new.document["credentialSubject"]["result"][0]["value"] == "88"
    assert new.achievement_version == old.achievement_version
    assert [m.to for m in mail.outbox] == [["rae@example.org"]]
    now = timezone.now()
    assert credential_verify(new.document, now=now).verdict == "valid"
    assert credential_verify(old.document, now=now).verdict == "revoked"
    event = AuditEvent.objects.get(action="issuing.credential_reissued")
    assert event.data == {
        "replaces": str(old.public_id),
        "from": "rae@exmaple.org",
        "to": "rae@example.org",
    }
    # the revoked original cannot be re-sent twice
    twice = client.post(url, {"email": "rae2@example.org"})
    assert twice.status_code == 400 and Credential.objects.count() == 2


def test_a_claimed_credential_is_not_reissued(
    client, world, version, django_capture_on_commit_callbacks
):
    credential = issue(
        world.org, version, "learner@acme.example", django_capture_on_commit_callbacks
    )
    services.credential_claim(credential=credential, user=world.people["learner"])
    services.delivery_bounce_record(email="learner@acme.example", reason="mailbox full")
    client.force_login(world.people["issuer"])
    detail = client.get(f"/o/acme/credentials/{credential.public_id}/").content.decode()
    assert "Send to a corrected address" not in detail
    refused = client.post(
        f"/o/acme/credentials/{credential.public_id}/reissue/", {"email": "x@example.org"}
    )
    assert refused.status_code == 400 and b"already claimed" in refused.content
    assert Credential.objects.count() == 1
