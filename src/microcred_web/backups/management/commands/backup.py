from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.backups.management.commands._key_options import backup_key, key_arguments
from microcred_web.backups.services import backup_create
from microcred_web.common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (database copied online, media files, manifest of the "
        "settings that matter) to --out. Keep the backup key and the KEK apart from the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the backup file to write")
        key_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        key = backup_key(options)
        try:
            made = backup_create(out=Path(options["out"]), key=key)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Backup written to {options['out']}: {made['database_engine']} database, "
            f"{len(made['members']) - 1} media files, {len(made['migrations'])} migrations, "
            f"instance {made['instance_id']}."
        )
