"""What a backup says about itself: the settings that matter, the schema, every member's sha256."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from microcred_web.common.kek import current_kek, kek_fingerprint

FORMAT_VERSION = 1
MANIFEST_MEMBER = "manifest.json"


def instance_id() -> str:
    """This installation's id: MICROCRED_INSTANCE_ID, else ./var/instance_id (made once)."""
    configured = os.environ.get("MICROCRED_INSTANCE_ID", "").strip()
    if configured:
        return configured
    var_dir = Path(settings.VAR_DIR)
    path = var_dir / "instance_id"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x") as handle:
                handle.write(secrets.token_hex(8))
        except FileExistsError:
            pass
    return path.read_text().strip()


def applied_migrations(alias: str = "default") -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_build(
    *, created_at: str, engine: str, database_member: str, members: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "created_at": created_at,
        "instance_id": instance_id(),
        "base_url": settings.BASE_URL,
        "database_engine": engine,
        "database_member": database_member,
        "migrations": applied_migrations(),
        # Names the KEK the issuer keys in the database are sealed under; never the key itself.
        "kek_fingerprint": kek_fingerprint(current_kek()),
        "members": members,
    }
