"""Rotating the key-encryption key: every sealed secret re-sealed, nothing unreadable meanwhile."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from microcred_web.backups import rotation
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.verification import credential_verify
from microcred_web.lti import keys as lti_keys
from microcred_web.ob3client import sealed as ob3client_sealed
from microcred_web.ob3client.models import ConnectedHost
from microcred_web.sso.models import Connection
from microcred_web.sso.services import client_secret_of
from microcred_web.wallet.clr import platform_key_pair
from microcred_web.webhooks import secrets as webhook_secrets
from microcred_web.webhooks.models import Endpoint

from .conftest import NEW_KEK, plaintexts


def test_every_column_is_exercised(every_kind_of_secret):
    labels = {key.split("#")[0] for key in every_kind_of_secret}
    assert labels == {column.label for column in rotation.SEALED_COLUMNS}


def test_rotation_reseals_everything_and_credentials_keep_signing(
    every_kind_of_secret, world, issued, settings, capsys
):
    old_kek = settings.MICROCRED_KEY_ENCRYPTION_KEY
    total = len(every_kind_of_secret)

    # 1. Every process gets the new key as current and the old one as previous.
    settings.MICROCRED_KEY_ENCRYPTION_KEY = NEW_KEK
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = [old_kek]
    assert plaintexts() == every_kind_of_secret  # readable during the rotation
    with pytest.raises(CommandError, match=f"{total} secrets are still sealed"):
        call_command("kek_rotate", "--check")

    # 2. Re-seal; then the old key is dropped.
    call_command("kek_rotate")
    assert f"Total re-sealed: {total}" in capsys.readouterr().out
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = []
    assert plaintexts() == every_kind_of_secret
    call_command("kek_rotate", "--check")
    assert "Total to re-seal: 0" in capsys.readouterr().out

    # Each app reads its own secrets with the new key alone.
    endpoint = Endpoint.objects.get()
    assert (
        webhook_secrets.unseal(endpoint.secret_sealed, endpoint_public_id=str(endpoint.public_id))
        == "whsec-new"
    )
    assert client_secret_of(Connection.objects.get()) == "sso-client-secret"
    host = ConnectedHost.objects.get()
    assert ob3client_sealed.unseal(host, "refresh_token", host.refresh_token_sealed) == (
        "refresh_token-value"
    )
    lti_keys._signing_cache.clear()
    assert lti_keys.signing_key() is not None
    assert platform_key_pair().public.verify(platform_key_pair().sign(b"x"), b"x")

    # Old credentials still verify; a new one is signed with the re-sealed issuer key.
    now = timezone.now()
    for credential in Credential.objects.all():
        assert credential_verify(credential.signed_json, now=now).verdict == "valid"
    fresh = issuing_services.credentials_issue(
        organisation=world.org,
        achievement_version=issued[0].achievement_version,
        recipients=[issuing_services.RecipientInput(email="after-rotation@acme.example")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    assert credential_verify(fresh[0].signed_json, now=now).verdict == "valid"

    # The old key alone no longer opens anything: the values really moved.
    settings.MICROCRED_KEY_ENCRYPTION_KEY = old_kek
    with pytest.raises(ApplicationError):
        plaintexts()


def test_a_secret_no_key_opens_stops_the_rotation_naming_it(every_kind_of_secret, settings):
    settings.MICROCRED_KEY_ENCRYPTION_KEY = NEW_KEK
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = []  # the old key was forgotten
    with pytest.raises(CommandError, match=r"issuing.IssuerKey.secret_ciphertext of row \d+"):
        call_command("kek_rotate")


def test_rotation_is_idempotent(every_kind_of_secret, settings, capsys):
    old_kek = settings.MICROCRED_KEY_ENCRYPTION_KEY
    settings.MICROCRED_KEY_ENCRYPTION_KEY = NEW_KEK
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = [old_kek]
    call_command("kek_rotate")
    capsys.readouterr()
    call_command("kek_rotate")
    assert "Total re-sealed: 0" in capsys.readouterr().out
    assert plaintexts() == every_kind_of_secret


def test_halfway_through_a_rotation_everything_stays_readable(
    every_kind_of_secret, world, issued, settings
):
    """A rotation interrupted after some columns (or killed mid-way) leaves nothing unreadable."""
    old_kek = settings.MICROCRED_KEY_ENCRYPTION_KEY
    settings.MICROCRED_KEY_ENCRYPTION_KEY = NEW_KEK
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = [old_kek]
    half = rotation.SEALED_COLUMNS[: len(rotation.SEALED_COLUMNS) // 2]
    assert sum(rotation.column_rotate(column).resealed for column in half) > 0
    assert plaintexts() == every_kind_of_secret
    fresh = issuing_services.credentials_issue(
        organisation=world.org,
        achievement_version=issued[0].achievement_version,
        recipients=[issuing_services.RecipientInput(email="mid-rotation@acme.example")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    assert credential_verify(fresh[0].signed_json, now=timezone.now()).verdict == "valid"
    reports = rotation.kek_rotate()
    assert sum(report.already_current for report in reports) >= sum(
        rotation.column_rotate(column, dry_run=True).already_current for column in half
    )
    settings.MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = []
    assert plaintexts() == every_kind_of_secret
