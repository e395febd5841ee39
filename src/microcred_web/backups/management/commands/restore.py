from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.backups.management.commands._key_options import backup_key, key_arguments
from microcred_web.backups.services import backup_restore
from microcred_web.common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into this installation (stop the web server, worker "
        "and scheduler first). Refuses a wrong key, a modified file, a newer schema and, "
        "without --force, a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        key_arguments(parser)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = backup_key(options)
        try:
            result = backup_restore(source=Path(options["file"]), key=key, force=options["force"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        made = result.manifest
        self.stdout.write(
            f"Restored the backup of instance {made['instance_id']} made at "
            f"{made['created_at']} ({len(made['members']) - 1} media files)."
        )
