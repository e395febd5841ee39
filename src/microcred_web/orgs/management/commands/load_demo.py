from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from microcred_web.orgs.demo import DEMO_SIGN_INS, demo_load, demo_password


class Command(BaseCommand):
    help = "Load the Northwind Logistics demo organisation (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['people']} people in Northwind Logistics."
            )
        )
        self.stdout.write(f"Demo password (set DEMO_PASSWORD to change it): {demo_password()}")
        for role, email in DEMO_SIGN_INS:
            self.stdout.write(f"  {role:<30} {email}")
