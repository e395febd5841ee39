from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from microcred_web.common.catalogues import compile_catalogue


class Command(BaseCommand):
    help = "Compile every .po catalogue in LOCALE_PATHS to .mo, in pure Python."

    def handle(self, *args: Any, **options: Any) -> None:
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                mo_path = compile_catalogue(po_path)
                self.stdout.write(f"compiled {mo_path}")
