"""``microcred-admin scheduler [--once] [--force] [--hour H]``: the daily housekeeping jobs
(expiry reminders and recertification, analytics retention, …) once a day.

Without ``--once`` it keeps running (``make demo`` starts it beside the task worker): every
minute it runs the jobs not yet run today once the UTC hour reaches ``--hour``
(``MICROCRED_DAILY_JOBS_HOUR``, default 3). Several schedulers may run: each (job, day) is
claimed in the database first. Each minute it also runs the sweeps the task workers run
(``common.task_worker``: e.g. re-queueing bulk jobs whose worker died), in case no worker is
left to do it.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from microcred_web.common.scheduling import daily_jobs, daily_jobs_run
from microcred_web.common.task_worker import (
    CONNECTION_ERRORS,
    close_broken_connections,
    sweeps_run,
)


class Command(BaseCommand):
    help = "Run the daily housekeeping jobs once a day (or once now with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the due jobs now and exit")
        parser.add_argument("--force", action="store_true", help="with --once: run them again")
        parser.add_argument(
            "--hour",
            type=int,
            default=int(os.environ.get("MICROCRED_DAILY_JOBS_HOUR", "3")),
            help="UTC hour from which the day's jobs run (default 3)",
        )
        parser.add_argument("--interval", type=float, default=60.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        hour = options["hour"]
        if not 0 <= hour <= 23:
            raise CommandError("--hour must be between 0 and 23")
        if options["force"] and not options["once"]:
            raise CommandError("--force goes with --once")
        if options["once"]:
            self._report(daily_jobs_run(force=options["force"]))
            return
        names = ", ".join(job.name for job in daily_jobs())
        self.stdout.write(f"scheduler: daily jobs ({names}) from {hour:02d}:00 UTC")
        try:
            while True:
                close_old_connections()
                sweeps_run()
                if timezone.now().hour >= hour:
                    try:
                        self._report(daily_jobs_run())
                    except CONNECTION_ERRORS as error:  # the database restarts: next minute
                        self.stderr.write(f"scheduler: database unavailable ({error})")
                        close_broken_connections()
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            return

    def _report(self, runs: list[Any]) -> None:
        for run in runs:
            last_line = (run.detail.strip().splitlines() or [""])[-1]
            self.stdout.write(f"{run.job}: {run.outcome} ({last_line})")
