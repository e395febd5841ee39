"""Fault: the task worker exited when its database connection was closed under it.

A real ``db_worker`` process on a fresh PostgreSQL database: its backend is terminated while it
waits for work, and a task terminates the worker's own backend (so recording the task's
failure hits the dead connection too). After each, the worker is still running and runs the
next task.
"""

from __future__ import annotations

import subprocess

from tests.web.faults.processes import (
    ADMIN,
    fresh_postgres,
    psql,
    shell,
    terminate_backends,
    wait_for,
)

TASKS = "tests.web.faults.worker_tasks"


def _enqueue(env: dict[str, str], call: str) -> str:
    return shell(f"from {TASKS} import *; print({call}.id)", env)


def _status(env: dict[str, str], task_id: str) -> str:
    rows = psql(
        env["DATABASE_URL"],
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
        (task_id,),
    )
    return str(rows[0][0]) if rows else ""


def test_worker_reconnects_after_its_backend_is_terminated(tmp_path) -> None:
    with fresh_postgres(tmp_path) as env:
        worker = subprocess.Popen(
            [*ADMIN, "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            first = _enqueue(env, "probe.enqueue(marker='before')")
            wait_for(lambda: _status(env, first) == "SUCCESSFUL", timeout=60, what="first task")

            # The database "restarts" under the idle worker.
            assert terminate_backends(env) >= 1
            second = _enqueue(env, "probe.enqueue(marker='after')")
            wait_for(
                lambda: _status(env, second) == "SUCCESSFUL" or worker.poll() is not None,
                timeout=90,
                what="the task enqueued after the backend was terminated",
            )
            assert worker.poll() is None, (
                "the worker exited: " + (worker.stderr.read() or "")[-2000:]
            )
            assert _status(env, second) == "SUCCESSFUL"

            # The failure path: the task kills its own connection, then the worker must
            # record the failure on a new one and carry on.
            doomed = _enqueue(env, "lose_own_connection.enqueue()")
            wait_for(
                lambda: _status(env, doomed) == "FAILED" or worker.poll() is not None,
                timeout=90,
                what="the task that lost its connection to be recorded as failed",
            )
            assert worker.poll() is None, (
                "the worker exited: " + (worker.stderr.read() or "")[-2000:]
            )
            third = _enqueue(env, "probe.enqueue(marker='later')")
            wait_for(lambda: _status(env, third) == "SUCCESSFUL", timeout=90, what="third task")
            assert worker.poll() is None
            # its sweep thread says it is alive (what /readyz reads)
            beats = psql(env["DATABASE_URL"], "SELECT count(*) FROM common_workerheartbeat")
            assert beats == [(1,)]
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
