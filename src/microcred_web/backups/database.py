"""A consistent online copy of the database, and putting one back.

SQLite: the sqlite3 online backup API (a page-by-page copy of one committed state, while the
site keeps writing). PostgreSQL: ``pg_dump --format=custom`` (one repeatable-read snapshot) and
``pg_restore --single-transaction``; without the PostgreSQL client tools the backup is refused
rather than made with a slower, non-snapshot Django dump (docs/decisions/0058).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from microcred_web.common.errors import ApplicationError

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"


def engine_name(alias: str = "default") -> str:
    engine = str(connections[alias].settings_dict["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise ApplicationError("backup_engine", f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ApplicationError(
            "backup_pg_tools_missing",
            f"{name} is not installed: install the PostgreSQL client tools (same major version "
            "as the server or newer).",
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is pg_dump or pg_restore found on PATH, with arguments built here.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ApplicationError(
            "backup_database_tool_failed",
            f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}",
        )


def database_dump(directory: Path, alias: str = "default") -> str:
    """Write a consistent copy of the database into ``directory``; return its member name."""
    settings_dict = connections[alias].settings_dict
    if engine_name(alias) == "sqlite":
        target = directory / SQLITE_MEMBER
        source = sqlite3.connect(str(settings_dict["NAME"]))
        try:
            copy = sqlite3.connect(str(target))
            with copy:
                source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            copy.close()
        finally:
            source.close()
        return SQLITE_MEMBER
    target = directory / POSTGRES_MEMBER
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, f"--file={target}"], _pg_environment(settings_dict))
    return POSTGRES_MEMBER


def database_load(dump: Path, alias: str = "default") -> None:
    """Replace the database's content with the dump (the caller checked it may)."""
    settings_dict = connections[alias].settings_dict
    connections[alias].close()
    if engine_name(alias) == "sqlite":
        source = sqlite3.connect(str(dump))
        try:
            target = sqlite3.connect(str(settings_dict["NAME"]), timeout=30)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
        return
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        f"--dbname={settings_dict['NAME']}",
        str(dump),
    ]
    _run(command, _pg_environment(settings_dict))
