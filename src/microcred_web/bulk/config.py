"""Bulk issuance limits, from settings (then the environment, then defaults)."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DEFAULT_CHUNK_ROWS = 1000
DEFAULT_LEASE_SECONDS = 120.0
MAX_CHUNK_ATTEMPTS = 5


def _setting(name: str, default: float) -> float:
    value: object = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return float(str(value))


def max_upload_bytes() -> int:
    """``MICROCRED_BULK_MAX_UPLOAD_BYTES``: larger CSV uploads are refused (default 200 MB)."""
    return int(_setting("MICROCRED_BULK_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def chunk_rows() -> int:
    """``MICROCRED_BULK_CHUNK_ROWS``: rows per chunk, one issuing transaction each."""
    return max(1, int(_setting("MICROCRED_BULK_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)))


def lease_seconds() -> float:
    """``MICROCRED_BULK_LEASE_SECONDS``: how long a worker's claim on a chunk lasts."""
    return max(0.5, _setting("MICROCRED_BULK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def parallel_tasks() -> int:
    """``MICROCRED_BULK_PARALLEL_TASKS``: tasks queued per job (one per worker process)."""
    return max(1, int(_setting("MICROCRED_BULK_PARALLEL_TASKS", 1)))
