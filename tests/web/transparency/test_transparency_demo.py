"""Northwind's log holds the demo credentials and their public pages show the inclusion."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred.tlog import NoteVerifier, checkpoint_open
from microcred.tlog.inclusion import inclusion_check
from microcred_web.issuing.models import Credential
from microcred_web.transparency.models import LogRecord, SignedCheckpoint, TransparencyLog

pytestmark = pytest.mark.django_db


def test_demo_log_covers_the_demo_credentials(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    log = TransparencyLog.objects.get(organisation__slug="northwind")
    issued = Credential.objects.filter(organisation=log.organisation)
    assert issued.exists()
    logged = set(
        LogRecord.objects.filter(log=log, kind="credential.issued").values_list(
            "credential", flat=True
        )
    )
    assert set(issued.values_list("public_id", flat=True)) <= logged
    assert SignedCheckpoint.objects.filter(log=log).count() == 1  # twice loaded, signed once
    note = client.get("/o/northwind/log/checkpoint").content.decode()
    assert checkpoint_open(note, NoteVerifier.parse(log.verifier_key)).size == log.size
    shown = issued.filter(is_public=True).first() or issued.first()
    assert shown is not None
    bundle = client.get(f"/o/northwind/log/proof/{shown.public_id}").json()
    assert inclusion_check(bundle, shown.document, log_key=log.verifier_key).index >= 0
