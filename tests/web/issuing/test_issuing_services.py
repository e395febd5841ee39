from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred.verify import verify_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential, DeliveryStatus
from microcred_web.issuing.services import RecipientInput


def issue(world, version, *recipients, **kwargs):
    return services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=list(recipients),
        actor=world.people["issuer"],
        source=kwargs.pop("source", "test"),
        **kwargs,
    )


@pytest.mark.django_db(transaction=True)
def test_issued_credential_verifies_with_the_apps_own_documents(world, version, resolver_for):
    [credential] = issue(
        world,
        version,
        RecipientInput(
            email="Learner@Acme.example",
            name="Lee Learner",
            evidence=[{"id": "https://evidence.example/1", "narrative": "Observed on site"}],
            result=[{"value": "92"}],
        ),
    )
    document = credential.document
    assert document["issuer"]["id"].endswith(":o:acme")
    assert document["credentialSubject"]["result"][0]["value"] == "92"
    assert document["evidence"][0]["id"] == "https://evidence.example/1"
    assert credential.recipient_email == "learner@acme.example"
    resolver = resolver_for(document)  # signs the status list now: verify after that
    report = verify_credential(document, now=timezone.now(), resolver=resolver)
    assert report.verdict == "valid", report.to_json()
    assert report.check("status").status == "pass"
    assert report.check("issuer").status == "pass"


@pytest.mark.django_db(transaction=True)
def test_revoked_credential_reports_revoked(world, version, resolver_for):
    [credential] = issue(world, version, RecipientInput(email="a@acme.example"))
    services.credential_revoke(credential=credential, actor=world.people["admin"], reason="Fraud")
    document = credential.document
    resolver = resolver_for(document)  # signs the status list now: verify after that
    report = verify_credential(document, now=timezone.now(), resolver=resolver)
    assert report.verdict == "revoked"
    event = AuditEvent.objects.get(action="issuing.credential_revoked")
    assert event.actor == world.people["admin"]
    assert event.data["reason"] == "Fraud"


def test_email_is_sent_after_commit_with_a_claim_link(
    world, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [credential] = issue(world, version, RecipientInput(email="a@acme.example"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@acme.example"]
    assert "/claim/" in mail.outbox[0].body
    credential.refresh_from_db()
    assert credential.delivery_status == DeliveryStatus.SENT


def test_no_email_when_not_delivering(world, version, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(world, version, RecipientInput(email="a@acme.example"), deliver=False)
    assert mail.outbox == []


def test_source_key_makes_issuing_idempotent(world, version):
    rows = [RecipientInput(email=f"p{i}@acme.example", source_key=f"job1:{i}") for i in range(5)]
    first = issue(world, version, *rows, deliver=False)
    again = issue(
        world,
        version,
        *rows,
        RecipientInput(email="new@acme.example", source_key="job1:9"),
        deliver=False,
    )
    assert len(first) == 5
    assert [c.source_key for c in again] == ["job1:9"]
    assert Credential.objects.filter(organisation=world.org).count() == 6


def test_status_indexes_are_unique_and_backed_by_a_constraint(world, version):
    issued = issue(
        world,
        version,
        *[RecipientInput(email=f"p{i}@acme.example") for i in range(300)],
        deliver=False,
    )
    # one entry per credential, in a message list (decision 0019): no suspension index
    entries = {(c.revocation_list_id, c.revocation_status_index) for c in issued}
    assert len(entries) == 300
    assert {c.suspension_list_id for c in issued} == {None}
    clash = Credential.objects.get(pk=issued[1].pk)
    clash.revocation_status_index = issued[0].revocation_status_index
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_invalid_recipient_names_the_row_and_nothing_is_issued(world, version):
    with pytest.raises(ApplicationError) as caught:
        issue(
            world,
            version,
            RecipientInput(email="ok@acme.example"),
            RecipientInput(email="not-an-email"),
        )
    assert caught.value.field == "recipients[1].email"
    assert Credential.objects.count() == 0


def test_a_failure_while_signing_leaves_nothing_half_issued(world, version, monkeypatch):
    from microcred_web.issuing import services as module

    real = module.eddsa_rdfc_2022.sign_many

    def flaky(documents, *args, **kwargs):
        signed = real(documents[:2], *args, **kwargs)  # two signed, then a crash
        assert len(signed) == 2
        raise RuntimeError("crash")

    monkeypatch.setattr(module.eddsa_rdfc_2022, "sign_many", flaky)
    with pytest.raises(RuntimeError):
        issue(world, version, *[RecipientInput(email=f"p{i}@acme.example") for i in range(5)])
    assert Credential.objects.count() == 0


def test_unpublished_or_foreign_achievement_is_refused(world, version, achievement):
    from microcred_web.achievements import services as achievement_services

    foreign = achievement_services.achievement_create(
        organisation=world.other,
        actor=world.others["admin"],
        values={"name": "X", "description": "d", "criteria": "c"},
    )
    foreign_version = achievement_services.achievement_publish(achievement=foreign, actor=None)
    with pytest.raises(ApplicationError) as caught:
        issue(world, foreign_version, RecipientInput(email="a@acme.example"))
    assert caught.value.status == 404


def test_suspend_and_unsuspend_rewrite_the_entry_and_are_audited(world, version):
    from microcred.status import BitstringStatusList

    def entry_value(credential) -> int:
        credential.revocation_list.refresh_from_db()
        bits = BitstringStatusList.decode(credential.revocation_list.encoded_list)
        return bits.value(credential.revocation_status_index, 2)

    [credential] = issue(world, version, RecipientInput(email="a@acme.example"), deliver=False)
    assert credential.revocation_list.purpose == "message"
    assert credential.revocation_list.status_size == 2
    services.credential_suspend(
        credential=credential, actor=world.people["issuer"], reason="Audit pending"
    )
    credential.refresh_from_db()
    assert credential.status == "suspended"
    assert entry_value(credential) == 1
    services.credential_unsuspend(
        credential=credential, actor=world.people["issuer"], reason="Audit passed"
    )
    credential.refresh_from_db()
    assert credential.status == "active"
    assert entry_value(credential) == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="issuing.credential_").values_list(
            "action", "data"
        )
    )
    # the achievement's name is recorded too, for the audit log in words
    named = {"recipient": "a@acme.example", "achievement": version.name}
    assert ("issuing.credential_suspended", {"reason": "Audit pending", **named}) in actions
    assert ("issuing.credential_unsuspended", {"reason": "Audit passed", **named}) in actions


def test_revoke_requires_a_reason(world, version):
    [credential] = issue(world, version, RecipientInput(email="a@acme.example"), deliver=False)
    with pytest.raises(ApplicationError) as caught:
        services.credential_revoke(credential=credential, actor=None, reason="  ")
    assert caught.value.field == "reason"


def test_bulk_revoke_changes_each_and_resigns_the_list_once(world, version):
    issued = issue(
        world,
        version,
        *[RecipientInput(email=f"p{i}@acme.example") for i in range(4)],
        deliver=False,
    )
    before = issued[0].revocation_list.version
    changed = services.credentials_revoke(
        credentials=issued[:3], actor=world.people["admin"], reason="Course withdrawn"
    )
    assert len(changed) == 3
    issued[0].revocation_list.refresh_from_db()
    assert issued[0].revocation_list.version == before + 1
    assert AuditEvent.objects.filter(action="issuing.credential_revoked").count() == 3
    assert Credential.objects.get(pk=issued[3].pk).status == "active"


def test_expiry_policy_sets_valid_until(world, achievement):
    from microcred_web.achievements import services as achievement_services

    achievement_services.achievement_update(
        achievement=achievement, actor=None, values={"expiry_policy": "months", "expiry_months": 12}
    )
    version = achievement_services.achievement_publish(achievement=achievement, actor=None)
    now = timezone.now().replace(year=2030, month=1, day=31)
    [credential] = issue(
        world, version, RecipientInput(email="a@acme.example"), now=now, deliver=False
    )
    assert credential.valid_until.date().isoformat() == "2031-01-31"
    assert credential.document["validUntil"].startswith("2031-01-31")
    assert credential.status_at(now + timedelta(days=400)) == "expired"


def test_bounce_marks_the_credentials_and_stops_later_mail(
    world, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [credential] = issue(world, version, RecipientInput(email="gone@acme.example"))
    assert (
        services.delivery_bounce_record(email="gone@acme.example", reason="550 no such user") == 1
    )
    credential.refresh_from_db()
    assert credential.delivery_status == DeliveryStatus.BOUNCED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_resend(credential=credential, actor=world.people["issuer"])
    assert mail.outbox == []
    credential.refresh_from_db()
    assert credential.delivery_status == DeliveryStatus.BOUNCED


def test_resend_issues_a_new_claim_link(world, version, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [credential] = issue(world, version, RecipientInput(email="a@acme.example"))
    first = mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_resend(credential=credential, actor=world.people["issuer"])
    second = mail.outbox[-1].body
    link = lambda body: next(line for line in body.splitlines() if "/claim/" in line)  # noqa: E731
    assert link(first) != link(second)
    assert json.loads(credential.signed_json)["id"].endswith(str(credential.public_id))
