"""``microcred-admin recertification_run [--now ISO]``: send expiry reminders, open
recertification cases (run it daily from cron or a scheduler)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.assessments.recertification import recertification_run


class Command(BaseCommand):
    help = "Send expiry reminders and open recertification cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the clock, e.g. 2026-01-01T00:00:00+00:00")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError("--now must be an ISO 8601 date-time") from exc
            if now.tzinfo is None:
                raise CommandError("--now needs a time zone, e.g. +00:00")
        counts = recertification_run(now=now)
        self.stdout.write(
            f"reminders: {counts['reminders']}, expired: {counts['expired']}, "
            f"cases: {counts['cases']}"
        )
