"""Configuration read from the environment, with safe defaults for a single machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(os.environ.get("MICROCRED_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("MICROCRED_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def stored_secret(name: str, filename: str, nbytes: int = 48) -> str:
    """Return the secret from the environment, else from ./var/<filename>, creating it once."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
