"""Backups: made online, restored into a fresh installation with every credential verified."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from microcred_web.backups.encryption import BackupKey, decrypt_file, encrypt_file
from microcred_web.issuing.models import Credential
from microcred_web.issuing.verification import credential_verify

from .conftest import admin_env, run_admin, run_check

pytestmark = pytest.mark.django_db(transaction=True)


def _media_hashes() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the same engine as the one under test (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    from tests.web.faults.processes import psql

    params = connection.settings_dict
    server = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}"
    name = f"microcred_restore_{uuid.uuid4().hex[:10]}"
    psql(f"{server}/postgres", f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_a_fresh_installation_verifies_every_credential(
    issued, key_file, tmp_path, fresh_database_url
):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    assert archive.stat().st_mode & 0o777 == 0o600
    assert b"Forklift" not in archive.read_bytes()  # encrypted as a whole
    media_before = _media_hashes()
    assert media_before, "the organisation's logo is a media file"

    env = admin_env(tmp_path, fresh_database_url)
    restored = run_admin(env, "restore", str(archive), "--key-file", str(key_file))
    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup" in restored.stdout

    checked = run_check(env)
    assert checked.returncode == 0, checked.stderr
    found = json.loads(checked.stdout.strip().splitlines()[-1])
    assert found["verdicts"] == {str(credential.public_id): "valid" for credential in issued}
    assert found["keys"] and all(found["keys"].values())  # every issuer key signs again
    assert found["media"] == media_before

    again = run_admin(env, "restore", str(archive), "--key-file", str(key_file))
    assert again.returncode != 0
    assert "already holds people or organisations" in again.stderr


def test_restore_with_force_replaces_the_content(issued, key_file, tmp_path):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    kept = {str(credential.public_id) for credential in issued}
    Credential.objects.filter(public_id=issued[0].public_id).delete()

    with pytest.raises(CommandError, match="already holds people or organisations"):
        call_command("restore", str(archive), "--key-file", str(key_file))
    assert Credential.objects.count() == len(kept) - 1  # refused: nothing changed

    call_command("restore", str(archive), "--key-file", str(key_file), "--force")
    now = timezone.now()
    back = {str(c.public_id): c for c in Credential.objects.all()}
    assert set(back) == kept
    assert all(credential_verify(c.signed_json, now=now).verdict == "valid" for c in back.values())


def test_a_wrong_key_is_refused(issued, key_file, tmp_path):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    other = tmp_path / "other.key"
    other.write_bytes(b"x" * 32)
    with pytest.raises(CommandError, match="Wrong backup key"):
        call_command("restore", str(archive), "--key-file", str(other), "--force")
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple")
    with pytest.raises(CommandError, match="made with a key file"):
        call_command("restore", str(archive), "--passphrase-file", str(passphrase), "--force")


def test_a_passphrase_backup_restores_and_a_wrong_passphrase_does_not(issued, tmp_path):
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--passphrase-file", str(passphrase))
    wrong = tmp_path / "wrong"
    wrong.write_text("incorrect horse battery staple")
    with pytest.raises(CommandError, match="Wrong backup key"):
        call_command("restore", str(archive), "--passphrase-file", str(wrong), "--force")
    call_command("restore", str(archive), "--passphrase-file", str(passphrase), "--force")
    assert Credential.objects.count() == len(issued)


@pytest.mark.parametrize("damage", ["flip", "truncate", "append"])
def test_a_tampered_archive_is_refused(issued, key_file, tmp_path, damage):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    data = bytearray(archive.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[-100:]
    else:
        data += b"\x00\x00\x00\x10" + b"more" * 4
    archive.write_bytes(bytes(data))
    Credential.objects.filter(public_id=issued[0].public_id).delete()
    with pytest.raises(CommandError, match="damaged or was modified"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")
    assert Credential.objects.count() == len(issued) - 1  # nothing restored


def _rewrite(archive: Path, key_file: Path, change) -> None:
    """Re-encrypt the archive with the right key after ``change(manifest, files)``."""
    key = BackupKey(key_file_bytes=key_file.read_bytes())
    plain = io.BytesIO()
    with archive.open("rb") as source:
        decrypt_file(source, plain, key)
    plain.seek(0)
    with tarfile.open(fileobj=plain) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(files.pop("manifest.json"))
    change(manifest, files)
    files["manifest.json"] = json.dumps(manifest).encode()
    rebuilt = io.BytesIO()
    with tarfile.open(fileobj=rebuilt, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    rebuilt.seek(0)
    with archive.open("wb") as out:
        encrypt_file(rebuilt, out, key)


def test_a_member_that_does_not_match_its_checksum_is_refused(issued, key_file, tmp_path):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))

    def corrupt(manifest, files):
        name = manifest["database_member"]
        files[name] = files[name][:-1] + bytes([files[name][-1] ^ 1])

    _rewrite(archive, key_file, corrupt)
    with pytest.raises(CommandError, match="sha256 does not match"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")


def test_a_backup_of_a_newer_schema_is_refused(issued, key_file, tmp_path):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    _rewrite(
        archive,
        key_file,
        lambda manifest, files: manifest["migrations"].append("issuing.9999_from_the_future"),
    )
    with pytest.raises(CommandError, match=r"newer version.*issuing\.9999_from_the_future"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")


def test_another_key_encryption_key_is_refused(issued, key_file, tmp_path, settings):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    settings.MICROCRED_KEY_ENCRYPTION_KEY = "a-completely-different-kek-0123456789"
    with pytest.raises(CommandError, match="sealed under another key-encryption key"):
        call_command("restore", str(archive), "--key-file", str(key_file), "--force")


def test_the_manifest_names_the_settings_that_matter(issued, key_file, tmp_path):
    archive = tmp_path / "site.mcbak"
    call_command("backup", "--out", str(archive), "--key-file", str(key_file))
    found: dict[str, object] = {}
    _rewrite(archive, key_file, lambda manifest, files: found.update(manifest))
    assert found["base_url"] == settings.BASE_URL
    assert found["instance_id"]
    assert "issuing.0001_initial" in found["migrations"]  # type: ignore[operator]
    assert settings.MICROCRED_KEY_ENCRYPTION_KEY not in json.dumps(found)
    for name, member in found["members"].items():  # type: ignore[attr-defined]
        assert len(member["sha256"]) == 64, name
