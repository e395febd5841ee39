"""A worker SIGKILLed in the middle of a bulk job: a new worker finishes it, exactly once.

Runs real ``microcred-admin db_worker`` processes against a database of their own: a SQLite
file, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("crash_script.py")
ROWS = 600
CHUNK_ROWS = 20
ADMIN = [sys.executable, "-m", "microcred_web.manage"]


@pytest.fixture
def crash_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MICROCRED_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="microcred_web.config.settings",
        MICROCRED_VAR_DIR=str(tmp_path / "var"),
        MICROCRED_KEY_ENCRYPTION_KEY="crash-test-key-encryption-key-0123456789",
        MICROCRED_BULK_CHUNK_ROWS=str(CHUNK_ROWS),
        # A long lease: the restarted worker must not need to wait for it to expire,
        # because bulk_resume releases leases held by dead processes on this host.
        MICROCRED_BULK_LEASE_SECONDS="600",
        SECRET_KEY="crash-test-secret",
    )
    url = os.environ.get("DATABASE_URL", "")
    database = None
    if url.startswith(("postgres://", "postgresql://")):
        database = f"microcred_crash_{uuid.uuid4().hex[:10]}"
        base = url.rsplit("/", 1)[0]
        _psql(base, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{base}/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    _run(["migrate", "--noinput", "-v0"], env)
    yield env
    if database:
        _psql(url.rsplit("/", 1)[0], f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _psql(base_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def _run(args: list[str], env: dict[str, str], *, script: bool = False) -> str:
    command = [sys.executable, str(SCRIPT), *args] if script else [*ADMIN, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def _progress(job_id: int, env: dict[str, str]) -> tuple[int, int, str]:
    """Read the job's progress straight from the database (fast enough to poll)."""
    url = env["DATABASE_URL"]
    sql = "SELECT chunks_done, chunk_count, state FROM bulk_bulkjob WHERE id = %s"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///") :], timeout=30) as connection:
            row = connection.execute(sql.replace("%s", "?"), (job_id,)).fetchone()
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            row = connection.execute(sql, (job_id,)).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(row[0]), int(row[1]), str(row[2])


def _wait(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_is_replaced_and_every_row_is_issued_once(crash_env) -> None:
    env = crash_env
    job_id = int(_run(["setup", str(ROWS)], env, script=True).splitlines()[-1])
    _done, total, _state = _progress(job_id, env)
    assert total == (ROWS + ROWS // 97 + 1 + CHUNK_ROWS - 1) // CHUNK_ROWS

    worker = subprocess.Popen(
        [*ADMIN, "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _progress(job_id, env)[0] >= 3, timeout=240, what="three chunks")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    done_at_kill, total, state = _progress(job_id, env)
    assert state == "running"
    assert 3 <= done_at_kill < total, "the worker must die in the middle of the job"

    resumed = _run(["bulk_resume"], env)
    assert f"Re-queued bulk jobs: {job_id}" in resumed
    _run(["db_worker", "--batch", "--interval", "0.2", "--no-startup-delay"], env)

    summary = json.loads(_run(["check", str(job_id)], env, script=True))
    assert summary["state"] == "done"
    assert summary["valid_rows"] == ROWS
    assert summary["invalid_rows"] == ROWS // 97 + 1
    assert summary["credentials"] == ROWS
    assert summary["issued_count"] == ROWS
    assert summary["distinct_source_keys"] == ROWS
    assert summary["max_per_source_key"] == 1
    assert summary["max_per_status_entry"] == 1
    assert summary["missing_status"] == 0
    assert summary["with_suspension_index"] == 0
    assert summary["without_status_entry"] == 0
    assert summary["verdicts"] == {"valid": ROWS}
    assert summary["chunks_done"] == summary["chunk_count"] == total
    assert summary["high_water_row"] >= ROWS + ROWS // 97 + 1
