from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.backups.rotation import kek_rotate
from microcred_web.common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Re-seal every stored secret (issuer keys, service secrets) under the current "
        "MICROCRED_KEY_ENCRYPTION_KEY, reading older ones with "
        "MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS. Safe while the site runs; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count; exit with status 1 if a secret is not under the current key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            reports = kek_rotate(dry_run=options["check"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        verb = "to re-seal" if options["check"] else "re-sealed"
        for report in reports:
            if report.resealed or report.already_current:
                self.stdout.write(
                    f"{report.label}: {report.resealed} {verb}, "
                    f"{report.already_current} already under the current key"
                )
        pending = sum(report.resealed for report in reports)
        self.stdout.write(f"Total {verb}: {pending}")
        if options["check"] and pending:
            raise CommandError(f"{pending} secrets are still sealed under a previous key.")
