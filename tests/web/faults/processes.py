"""Real processes for the fault tests: a fresh database, ``microcred-admin`` subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ADMIN = [sys.executable, "-m", "microcred_web.manage"]
ROOT = Path(__file__).resolve().parents[3]


def postgres_url_or_skip() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        reason = "needs PostgreSQL: set DATABASE_URL=postgres://… (terminates backends)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return url


def psql(base_url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run one statement on ``base_url``'s server (database given by the URL's path)."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)  # type: ignore[arg-type]
        return list(cursor.fetchall()) if cursor.description else []


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MICROCRED_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="microcred_web.config.settings",
        MICROCRED_VAR_DIR=str(tmp_path / "var"),
        MICROCRED_KEY_ENCRYPTION_KEY="faults-test-key-encryption-key-0123456789",
        SECRET_KEY="faults-test-secret",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return env


@contextmanager
def fresh_postgres(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment whose DATABASE_URL is a new, migrated PostgreSQL database."""
    url = postgres_url_or_skip()
    server = url.rsplit("/", 1)[0]
    database = f"microcred_faults_{uuid.uuid4().hex[:10]}"
    psql(f"{server}/postgres", f'CREATE DATABASE "{database}"')
    env = base_env(tmp_path)
    env["DATABASE_URL"] = f"{server}/{database}"
    try:
        admin(["migrate", "--noinput", "-v0"], env)
        yield env
    finally:
        psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def admin(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([*ADMIN, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def shell(code: str, env: dict[str, str]) -> str:
    """Run Python in a configured Django process; returns its last printed line."""
    return (admin(["shell", "-c", code], env).splitlines() or [""])[-1]


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def terminate_backends(env: dict[str, str]) -> int:
    """``pg_terminate_backend`` every other session on the test database; returns how many."""
    url = env["DATABASE_URL"]
    database = url.rsplit("/", 1)[1]
    rows = psql(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (database,),
    )
    return sum(1 for (terminated,) in rows if terminated)
