"""A fresh PostgreSQL database and the production settings for a benchmark's server."""

from __future__ import annotations

import os
from pathlib import Path


def server_environment(run_dir: Path, *, label: str, target: str) -> str:
    """Recreate ``<name>_<label>_bench`` next to ``DATABASE_URL`` and point this process (and
    the servers it starts) at it with production settings; returns the database's name.

    ``target`` names the make target in the error shown when ``DATABASE_URL`` is not PostgreSQL.
    """
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/microcred")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"{target} needs PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    base, name = url.rsplit("/", 1)
    bench = f"{name or 'microcred'}_{label}_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')  # type: ignore[arg-type]
        connection.execute(f'CREATE DATABASE "{bench}"')  # type: ignore[arg-type]
    os.environ["DATABASE_URL"] = f"{base}/{bench}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "microcred_web.config.settings"
    os.environ["MICROCRED_VAR_DIR"] = str(run_dir)
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ["DEBUG"] = "0"
    return bench
