"""Backing up and restoring an installation: database, media files and the settings that matter.

Issuer keys travel inside the database, sealed under the KEK (common/kek.py); the archive as a
whole is encrypted with the operator's backup key (encryption.py). Neither key is in the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from microcred_web.backups import database, manifest
from microcred_web.backups.encryption import BackupKey, decrypt_file, encrypt_file
from microcred_web.common.errors import ApplicationError
from microcred_web.common.kek import kek_fingerprint, kek_ring
from microcred_web.orgs.models import Organisation

MEDIA_PREFIX = "media/"


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that went into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, fileobj=reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def _media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append((path, MEDIA_PREFIX + path.relative_to(root).as_posix()))
    return found


def backup_create(*, out: Path, key: BackupKey) -> dict[str, Any]:
    """Write an encrypted backup to ``out`` (atomically: a half-written file never has its name)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = database.engine_name()
    with tempfile.TemporaryDirectory(prefix=".microcred-backup-", dir=out.parent) as work:
        workdir = Path(work)
        database_member = database.database_dump(workdir)
        members: dict[str, dict[str, Any]] = {}
        tar_path = workdir / "backup.tar"
        with tarfile.open(tar_path, "w") as tar:
            members[database_member] = _add_file(tar, workdir / database_member, database_member)
            for path, name in _media_files():
                members[name] = _add_file(tar, path, name)
            built = manifest.manifest_build(
                created_at=timezone.now().isoformat(),
                engine=engine,
                database_member=database_member,
                members=members,
            )
            manifest_path = workdir / manifest.MANIFEST_MEMBER
            manifest_path.write_text(json.dumps(built, indent=2, sort_keys=True))
            tar.add(str(manifest_path), arcname=manifest.MANIFEST_MEMBER)
        partial = workdir / "backup.partial"
        with tar_path.open("rb") as plain, partial.open("wb") as sealed:
            encrypt_file(plain, sealed, key)
            sealed.flush()
            os.fsync(sealed.fileno())
        partial.chmod(0o600)
        os.replace(partial, out)
    return built


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _extract_verified(tar_path: Path, into: Path) -> dict[str, Any]:
    """Extract every member listed in the manifest, checking its sha256; nothing else allowed."""
    with tarfile.open(tar_path, "r") as tar:
        names = {member.name: member for member in tar.getmembers()}
        if manifest.MANIFEST_MEMBER not in names:
            raise ApplicationError("backup_tampered", "The backup has no manifest.")
        handle = tar.extractfile(names.pop(manifest.MANIFEST_MEMBER))
        assert handle is not None
        found: dict[str, Any] = json.loads(handle.read())
        if found.get("format") != manifest.FORMAT_VERSION:
            raise ApplicationError(
                "backup_format", f"Unknown backup format {found.get('format')!r}."
            )
        listed: dict[str, dict[str, Any]] = found["members"]
        if set(names) != set(listed):
            raise ApplicationError(
                "backup_tampered", "The backup's files do not match its manifest."
            )
        for name, expected in listed.items():
            member = names[name]
            if not member.isfile() or not _safe_member_name(name):
                raise ApplicationError("backup_tampered", f"Unexpected member {name!r}.")
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with target.open("wb") as written:
                shutil.copyfileobj(source, written)
            if manifest.file_sha256(target) != expected["sha256"]:
                raise ApplicationError(
                    "backup_checksum", f"{name}: its sha256 does not match the manifest."
                )
    return found


def _target_has_data() -> bool:
    tables = set(connections["default"].introspection.table_names())
    for model in (get_user_model(), Organisation):
        if model._meta.db_table in tables and model.objects.exists():
            return True
    return False


def _check_compatible(found: dict[str, Any]) -> None:
    newer = sorted(set(found["migrations"]) - manifest.known_migrations())
    if newer:
        raise ApplicationError(
            "backup_schema_newer",
            "The backup comes from a newer version of microcred (unknown migrations: "
            f"{', '.join(newer[:5])}): upgrade this installation first.",
        )
    if found["database_engine"] != database.engine_name():
        raise ApplicationError(
            "backup_engine_mismatch",
            f"The backup holds a {found['database_engine']} database; this installation uses "
            f"{database.engine_name()}.",
        )
    if found["kek_fingerprint"] not in {kek_fingerprint(kek) for kek in kek_ring()}:
        raise ApplicationError(
            "backup_kek_mismatch",
            "The issuer keys in this backup are sealed under another key-encryption key: set "
            "MICROCRED_KEY_ENCRYPTION_KEY (or MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS) to the "
            f"backed-up installation's key (fingerprint {found['kek_fingerprint']}).",
        )


def backup_restore(*, source: Path, key: BackupKey, force: bool = False) -> RestoreResult:
    """Restore a backup into this installation's database and media folder.

    Refuses a wrong key, a modified file, a newer schema, another KEK, and a database that
    already holds people or organisations (unless ``force``). Pending migrations run afterwards.
    """
    if not source.is_file():
        raise ApplicationError("backup_missing", f"{source}: no such backup file.")
    with tempfile.TemporaryDirectory(prefix=".microcred-restore-") as work:
        workdir = Path(work)
        tar_path = workdir / "backup.tar"
        with source.open("rb") as sealed, tar_path.open("wb") as plain:
            decrypt_file(sealed, plain, key)
        extracted = workdir / "files"
        found = _extract_verified(tar_path, extracted)
        _check_compatible(found)
        if not force and _target_has_data():
            raise ApplicationError(
                "backup_target_not_empty",
                "The target database already holds people or organisations: restore into an "
                "empty one, or pass --force to replace its content.",
            )
        database.database_load(extracted / found["database_member"])
        media_root = Path(settings.MEDIA_ROOT)
        for name in found["members"]:
            if name.startswith(MEDIA_PREFIX):
                target = media_root / name[len(MEDIA_PREFIX) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(extracted / name, target)
    call_command("migrate", interactive=False, verbosity=0)
    result = RestoreResult(manifest=found)
    if found["base_url"] != settings.BASE_URL:
        result.warnings.append(
            f"The backup was made with BASE_URL={found['base_url']}; this installation has "
            f"{settings.BASE_URL}. Issuer DIDs and credential ids derive from it: set it back."
        )
    return result
