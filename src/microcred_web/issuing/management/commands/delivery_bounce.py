"""``microcred-admin delivery_bounce EMAIL [--reason TEXT]``: record a bounced address."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from microcred_web.issuing.services import delivery_bounce_record


class Command(BaseCommand):
    help = "Record that e-mail to an address bounced (marks its credentials, stops later mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        count = delivery_bounce_record(email=options["email"], reason=options["reason"])
        self.stdout.write(f"{count} credential(s) marked as bounced")
