"""``manage.py log_fetch_audit audit|monitor --url … --log-key …``: ``microcred log`` reading a
remote log through the guarded fetcher (HTTPS, public addresses, size limits)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.cli import main
from microcred.tlog import TileMissing
from microcred_web.common.safe_fetch import UnsafeFetch, safe_fetch

_TYPES = ("text/plain", "application/octet-stream")


def _fetch(url: str) -> bytes:
    try:
        return safe_fetch(url, max_bytes=256 * 32 * 2 + 256 * 65_537, content_types=_TYPES).body
    except UnsafeFetch as exc:
        raise TileMissing(f"{url}: {exc.message}") from exc


class Command(BaseCommand):
    help = "Audit or monitor a transparency log over HTTPS (arguments as `microcred log`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(["log", *args], stdout=sys.stdout, stderr=sys.stderr, fetch_url=_fetch)
        if code:
            raise CommandError(f"microcred log exited with {code}")
