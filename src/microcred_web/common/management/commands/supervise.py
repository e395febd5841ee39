"""``microcred-admin supervise``: the web server, the task worker and the scheduler in one
container (or shell), each restarted when it exits. See docs/operations.md."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred_web.common.serving import PortInUse, ensure_port_free
from microcred_web.common.supervisor import Child, Supervisor

ADMIN = [sys.executable, "-m", "microcred_web.manage"]
ROLES = ("web", "worker", "scheduler")


def supervised_children(
    *, host: str, port: int, roles: list[str], web_args: list[str] | None = None
) -> list[Child]:
    """The programs of the given roles, as the supervisor starts them."""
    commands = {
        "web": [*ADMIN, "serve", "--host", host, "--port", str(port), *(web_args or [])],
        "worker": [*ADMIN, "db_worker", "--no-reload"],
        "scheduler": [*ADMIN, "scheduler"],
    }
    return [Child(name=role, command=commands[role]) for role in ROLES if role in roles]


def raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Run the web server, the task worker and the scheduler, restarting any that exits "
        "(for containers; with systemd use deploy/systemd instead)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None, help="web processes")
        parser.add_argument(
            "--only",
            default=",".join(ROLES),
            help="comma-separated roles to run: web, worker, scheduler (default: all three)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        roles = [role.strip() for role in options["only"].split(",") if role.strip()]
        unknown = sorted(set(roles) - set(ROLES))
        if unknown or not roles:
            raise CommandError(f"--only: unknown role(s) {', '.join(unknown) or '(none)'}")
        host, port = options["host"], options["port"]
        if "web" in roles:
            try:
                ensure_port_free(host, port)
            except PortInUse as error:
                raise CommandError(str(error)) from error
        web_args = ["--workers", str(options["workers"])] if options["workers"] else []
        children = supervised_children(host=host, port=port, roles=roles, web_args=web_args)
        signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
        self.stdout.write(f"supervisor: {', '.join(roles)} on http://{host}:{port}/")
        Supervisor(children, out=self.stdout).run()
        self.stdout.write("supervisor: stopped")
