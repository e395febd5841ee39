"""Serve the WSGI app in production: granian, a process per core, threads for the database."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcred_web.common.serving import (
    PortInUse,
    default_threads,
    default_workers,
    ensure_port_free,
    granian_command,
)


class Command(BaseCommand):
    help = (
        "Serve microcred with granian (WSGI). Run it behind a TLS proxy; background tasks "
        "need `db_worker` beside it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes (default MICROCRED_WEB_WORKERS or one per core)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="threads per process (default MICROCRED_WEB_THREADS or 5)",
        )
        parser.add_argument("--no-access-log", action="store_true")
        parser.add_argument(
            "--print", action="store_true", help="print the command line instead of running it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = granian_command(
            host=options["host"],
            port=options["port"],
            workers=options["workers"] or default_workers(),
            threads=options["threads"] or default_threads(),
            access_log=not options["no_access_log"],
        )
        if options["print"]:
            self.stdout.write(" ".join(command))
            return
        try:
            ensure_port_free(options["host"], options["port"])
        except PortInUse as error:
            raise CommandError(str(error)) from error
        os.execv(command[0], command)  # noqa: S606 - our own argument list; granian takes over
