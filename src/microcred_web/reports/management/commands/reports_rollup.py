"""``manage.py reports_rollup --days N``: rebuild the last N days of event rollups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.reports.rollups import rollups_refresh


class Command(BaseCommand):
    help = "Rebuild the daily counts of credential events that reports read (decision 0049)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="days back, today included")

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(options["days"])
        if days < 1:
            raise CommandError("--days must be at least 1")
        rows = rollups_refresh(days=days)
        self.stdout.write(f"{rows} rollup rows for the last {days} days")
