"""Rotating the KEK while credentials are being issued: no request fails, nothing is lost."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.verification import credential_verify

from .conftest import NEW_KEK, plaintexts

pytestmark = pytest.mark.django_db(transaction=True)


def test_issuing_goes_on_while_kek_rotate_runs(every_kind_of_secret, world, issued, settings):
    old_kek = settings.MICROCRED_KEY_ENCRYPTION_KEY
    settings.MICROCRED_KEY_ENCRYPTION_KEY = NEW_KEK
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = [old_kek]
    version = issued[0].achievement_version
    failures: list[BaseException] = []
    started = threading.Event()

    def issue_meanwhile() -> None:
        try:
            for number in range(8):
                issuing_services.credentials_issue(
                    organisation=world.org,
                    achievement_version=version,
                    recipients=[
                        issuing_services.RecipientInput(email=f"during{number}@acme.example")
                    ],
                    actor=world.people["issuer"],
                    source="test",
                    deliver=False,
                )
                started.set()
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            started.set()
            connection.close()

    issuer = threading.Thread(target=issue_meanwhile)
    issuer.start()
    started.wait(timeout=120)
    call_command("kek_rotate")
    issuer.join(timeout=300)
    assert not failures, failures

    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = []
    call_command("kek_rotate", "--check")
    assert plaintexts() == every_kind_of_secret
    now = timezone.now()
    credentials = list(Credential.objects.all())
    assert len(credentials) == len(issued) + 8
    for credential in credentials:
        assert credential_verify(credential.signed_json, now=now).verdict == "valid"
