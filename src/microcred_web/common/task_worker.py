"""The task worker that survives its database: ``microcred-admin db_worker``.

django-tasks-db's worker exits on the first ``OperationalError`` that is not a locked SQLite
file: a PostgreSQL restart, a failover or ``pg_terminate_backend`` stopped all background
work until someone restarted the worker. Here the same loop runs inside a guard that closes
the broken connections, waits (1 s, 2 s, 4 s … 30 s) and carries on; a task whose outcome
could not be written because the connection died is recorded as failed once the database
is back, instead of staying "running" for ever.

Beside the loop, a thread writes the worker's heartbeat (``/readyz`` reads it) and runs the
*sweeps* other apps register (``register_sweep``) every ``MICROCRED_SWEEP_SECONDS`` (default
15) and once at start: e.g. bulk issuance re-queues the jobs whose worker was killed, so nobody
has to open a page or run a command.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from microcred_web.common.models import WorkerHeartbeat

logger = logging.getLogger("microcred.task_worker")

#: errors that mean "the connection is gone", not "the task is wrong"
CONNECTION_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0

_sweeps: dict[str, Callable[[], object]] = {}


def register_sweep(name: str, sweep: Callable[[], object]) -> None:
    """Have every task worker call ``sweep()`` periodically (idempotent work only)."""
    _sweeps[name] = sweep


def sweep_seconds() -> float:
    """``MICROCRED_SWEEP_SECONDS``: how often the worker runs the sweeps (default 15)."""
    return max(0.2, float(os.environ.get("MICROCRED_SWEEP_SECONDS") or 15))


def sweeps_run() -> dict[str, object]:
    """Run every registered sweep once; a failing sweep is logged and does not stop the others."""
    outcomes: dict[str, object] = {}
    for name, sweep in list(_sweeps.items()):
        try:
            outcomes[name] = sweep()
        except Exception as error:
            logger.warning("sweep %s failed: %s", name, error)
            outcomes[name] = error
            connections.close_all()
    return outcomes


def worker_heartbeat_record(*, worker_id: str) -> None:
    """Say this worker is alive (``/readyz``); heartbeats older than a day are forgotten."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64],
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def last_worker_heartbeat() -> datetime | None:
    """When a task worker last said it was alive (None: never)."""
    latest: datetime | None = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
    return latest


def close_broken_connections() -> None:
    """Drop this thread's connections, so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None  # already dead; forget it


def _backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** min(attempt, 10)))


class ResilientWorker(Worker):
    """django-tasks-db's ``Worker`` whose database may go away and come back."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sweeper: threading.Thread | None = None
        self._stopped = threading.Event()

    def run(self) -> None:
        self._start_sweeper()
        try:
            self._run_until_done()
        finally:
            self._sweeper_stop()

    def _sweeper_stop(self) -> None:
        """The sweeps end with the worker (in --batch mode and in tests run in-process too)."""
        self._stopped.set()
        if self._sweeper is not None and self._sweeper is not threading.current_thread():
            self._sweeper.join(timeout=sweep_seconds() + 30)

    def _run_until_done(self) -> None:
        failures = 0
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks finished
            except CONNECTION_ERRORS as error:
                delay = _backoff(failures)
                failures += 1
                logger.warning(
                    "task worker: database unavailable (%s); retrying in %.0f s",
                    str(error).strip(),
                    delay,
                )
                close_broken_connections()
                self.startup_delay = False
                time.sleep(delay)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        try:
            super().run_task(db_task_result)
        except CONNECTION_ERRORS as error:
            # The task's outcome could not be written: the connection died under it.
            self._record_failure_when_back(db_task_result, error)

    def _record_failure_when_back(
        self, db_task_result: DBTaskResult[Any, Any], error: Exception
    ) -> None:
        attempt = 0
        while True:
            close_broken_connections()
            try:
                db_task_result.set_failed(error)
                logger.warning(
                    "task %s failed: the database connection was lost (%s)",
                    db_task_result.id,
                    str(error).strip(),
                )
                return
            except CONNECTION_ERRORS:
                delay = _backoff(attempt)
                attempt += 1
                if not self.running:
                    return
                time.sleep(delay)

    def _start_sweeper(self) -> None:
        if self._sweeper is not None:
            return
        self._sweeper = threading.Thread(target=self._sweep_forever, name="sweeps", daemon=True)
        self._sweeper.start()

    def _sweep_forever(self) -> None:
        try:
            while self.running and not self._stopped.is_set():
                try:
                    worker_heartbeat_record(worker_id=self.worker_id)
                except Exception as error:  # a sweep thread never dies of it
                    logger.warning("task worker: no heartbeat written (%s)", error)
                sweeps_run()
                close_broken_connections()  # a thread's connection: reopen next time
                self._stopped.wait(sweep_seconds())
        finally:
            connections.close_all()
