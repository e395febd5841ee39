"""Run the demo: granian serving the WSGI app, with the task worker and the daily-jobs
scheduler beside it."""

from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from microcred_web.common.serving import granian_command
from microcred_web.orgs.demo import DEMO_SIGN_INS, demo_password


def _stop(process: subprocess.Popen[bytes], name: str, out: Any) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        out.write(f"{name} did not stop in time; killing it.")
        process.kill()
        process.wait()


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
        # Bulk jobs left running when the demo last stopped (or crashed) are queued again
        # before the worker starts, so it picks them up. By name: orgs sits below bulk.
        call_command("bulk_resume", stdout=self.stdout, stderr=self.stderr)
        worker = subprocess.Popen([sys.executable, "-m", "microcred_web.manage", "db_worker"])
        scheduler = subprocess.Popen([sys.executable, "-m", "microcred_web.manage", "scheduler"])
        web = subprocess.Popen(  # noqa: S603 - our own argument list
            granian_command(host=host, port=port, workers=options["workers"], threads=4)
        )

        def on_term(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_term)
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nmicrocred demo: {url}"))
        self.stdout.write(f"Sign in with any of these, password: {demo_password()}")
        for role, email in DEMO_SIGN_INS:
            self.stdout.write(f"  {role:<30} {email}")
        self.stdout.write("Ctrl-C stops the web server, the task worker and the scheduler.\n")
        try:
            while True:
                try:
                    code = web.wait(timeout=1)
                    self.stderr.write(f"The web server stopped (exit status {code}).")
                    break
                except subprocess.TimeoutExpired:
                    if worker.poll() is not None:
                        self.stderr.write("The task worker stopped; stopping the demo.")
                        break
                    if scheduler.poll() is not None:
                        self.stderr.write("The scheduler stopped; stopping the demo.")
                        break
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            _stop(web, "web server", self.stderr)
            _stop(worker, "task worker", self.stderr)
            _stop(scheduler, "scheduler", self.stderr)
            self.stdout.write("Stopped.")
