"""Run the demo: granian serving the WSGI app, with the task worker and the daily-jobs
scheduler beside it."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from microcred_web.common.serving import PortInUse, ensure_port_free, granian_command
from microcred_web.common.supervisor import Child, Supervisor
from microcred_web.orgs.demo import DEMO_SIGN_INS, demo_password


class Command(BaseCommand):
    help = (
        "Serve the demo on 127.0.0.1:8000 with granian, a db_worker for background tasks "
        "and the daily-jobs scheduler."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        try:
            ensure_port_free(host, port)
        except PortInUse as error:
            raise CommandError(str(error)) from error
        # Bulk jobs left running when the demo last stopped (or crashed) are queued again
        # before the worker starts, so it picks them up. By name: orgs sits below bulk.
        call_command("bulk_resume", stdout=self.stdout, stderr=self.stderr)
        admin = [sys.executable, "-m", "microcred_web.manage"]
        children = [
            Child(name="worker", command=[*admin, "db_worker"]),
            Child(name="scheduler", command=[*admin, "scheduler"]),
            Child(
                name="web",
                command=granian_command(
                    host=host, port=port, workers=options["workers"], threads=4
                ),
            ),
        ]

        def on_term(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_term)
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nmicrocred demo: {url}"))
        self.stdout.write(f"Sign in with any of these, password: {demo_password()}")
        for role, email in DEMO_SIGN_INS:
            self.stdout.write(f"  {role:<30} {email}")
        self.stdout.write(
            "Ctrl-C stops the web server, the task worker and the scheduler "
            "(any of them that crashes is restarted).\n"
        )
        Supervisor(children, out=self.stdout).run()
        self.stdout.write("Stopped.")
