"""``manage.py analytics_prune [--days N]``: delete credential events older than N days."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.analytics.services import events_prune


class Command(BaseCommand):
    help = "Delete credential events older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="keep this many days (default: MICROCRED_ANALYTICS_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = int(getattr(settings, "MICROCRED_ANALYTICS_RETENTION_DAYS", 395))
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = events_prune(days=days)
        self.stdout.write(f"deleted {deleted} events older than {days} days")
