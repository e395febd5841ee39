"""The backup key options shared by ``backup`` and ``restore``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from microcred_web.backups.encryption import BackupKey
from microcred_web.common.errors import ApplicationError


def key_arguments(parser: CommandParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--key-file", help="file of at least 32 random bytes (head -c 32 /dev/urandom > FILE)"
    )
    group.add_argument("--passphrase-file", help="file holding a passphrase (12+ characters)")


def backup_key(options: dict[str, Any]) -> BackupKey:
    try:
        return BackupKey.from_options(
            passphrase_file=options.get("passphrase_file"), key_file=options.get("key_file")
        )
    except (ApplicationError, OSError) as exc:
        raise CommandError(str(exc)) from exc
