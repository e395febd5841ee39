from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from microcred_web.achievements import services as achievement_services
from microcred_web.backups import rotation
from microcred_web.common import sealing
from microcred_web.issuing import keystore
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.lti import keys as lti_keys
from microcred_web.ob3client import sealed as ob3client_sealed
from microcred_web.ob3client.models import ConnectedHost
from microcred_web.sso.models import Connection
from microcred_web.transparency.services import log_ensure
from microcred_web.wallet.clr import platform_key_pair
from microcred_web.webhooks import secrets as webhook_secrets
from microcred_web.webhooks.models import Endpoint

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "backup.key"
    path.write_bytes(os.urandom(32))
    return path


@pytest.fixture
def issued(world) -> list[Credential]:
    """Three signed credentials of the organisation "acme" (committed: transactional tests)."""
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Forklift safety",
            "description": "Drives a forklift safely.",
            "criteria": "Passed the practical test.",
        },
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    return issuing_services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[
            issuing_services.RecipientInput(email=f"learner{number}@acme.example")
            for number in range(3)
        ],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )


def admin_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The environment of a separate installation: its own database, var and media folders."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MICROCRED_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="microcred_web.config.settings",
        DATABASE_URL=database_url,
        MICROCRED_VAR_DIR=str(tmp_path / "restored-var"),
        MICROCRED_KEY_ENCRYPTION_KEY=settings.MICROCRED_KEY_ENCRYPTION_KEY,
        BASE_URL=settings.BASE_URL,
        SECRET_KEY="restore-test-secret",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return env


def run_admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microcred_web.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(Path(__file__).with_name("restored_check.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


NEW_KEK = "the-new-key-encryption-key-0123456789abcdef"


@pytest.fixture
def every_kind_of_secret(world, issued) -> dict[str, str]:
    """One row of every sealed column, sealed under the current (old) KEK by its own app."""
    org, learner = world.org, world.people["learner"]
    platform_key_pair()
    lti_keys.tool_key_rotate()
    log_ensure(organisation_id=org.pk)
    endpoint = Endpoint.objects.create(organisation=org, url="https://hooks.example/in")
    public_id = str(endpoint.public_id)
    endpoint.secret_sealed = webhook_secrets.seal("whsec-new", endpoint_public_id=public_id)
    endpoint.previous_secret_sealed = webhook_secrets.seal(
        "whsec-old", endpoint_public_id=public_id
    )
    endpoint.save()
    Connection.objects.create(
        organisation=org,
        display_name="Acme Entra ID",
        issuer="https://login.acme.example",
        client_id="acme",
        client_secret_sealed=sealing.secret_seal(
            "sso-client-secret",
            aad=f"microcred-sso-client-secret:{org.pk}".encode(),
            purpose="sso",
        ),
    )
    apps.get_model("learning.MachineTranslationService").objects.create(
        organisation=org,
        engine="libretranslate",
        api_key_sealed=sealing.secret_seal(
            "mt-api-key", aad=f"microcred-machine-translation-key:{org.pk}".encode()
        ),
    )
    apps.get_model("mfa.TotpDevice").objects.create(
        user=learner,
        secret_sealed=sealing.secret_seal(
            "JBSWY3DPEHPK3PXP", aad=f"mfa-totp:{learner.pk}".encode(), purpose="mfa"
        ),
    )
    host = ConnectedHost.objects.create(
        owner=learner,
        name="Contoso",
        base_url="https://contoso.example",
        api_base="https://contoso.example/ims/ob/v3p0",
        authorization_url="https://contoso.example/authorize",
        token_url="https://contoso.example/token",
        client_id="contoso",
        access_expires_at=timezone.now() + timedelta(hours=1),
    )
    for kind in ("client_secret", "pkce_verifier", "access_token", "refresh_token"):
        setattr(host, f"{kind}_sealed", ob3client_sealed.seal(host, kind, f"{kind}-value"))
    host.save()
    return plaintexts()


def plaintexts() -> dict[str, str]:
    """Every sealed value of every registered column, unsealed with the keyring."""
    found = {}
    for column in rotation.SEALED_COLUMNS:
        model = apps.get_model(column.model)
        for row in model.objects.all():
            value = getattr(row, column.field)
            if not value:
                continue
            aad = column.aad(row)
            if column.purpose == rotation.ISSUER_KEYSTORE:
                plain = keystore.unseal(bytes(value), aad=aad).hex()
            else:
                plain = sealing.secret_unseal(value, aad=aad, purpose=column.purpose)
            found[f"{column.label}#{row.pk}"] = plain
    return found
