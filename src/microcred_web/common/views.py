from __future__ import annotations

import os

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from microcred_web.common.task_worker import last_worker_heartbeat, sweep_seconds

_migrations_applied = False  # once seen applied, stays so for the process's life


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and the demo script."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _migrations_check() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return f"{len(plan)} migration(s) not applied: run microcred-admin migrate"
        _migrations_applied = True
    return "ok"


def worker_stale_seconds() -> float:
    """``MICROCRED_WORKER_STALE_SECONDS``: a worker heartbeat older than this fails /readyz
    (default four sweep intervals, 60 s)."""
    return float(os.environ.get("MICROCRED_WORKER_STALE_SECONDS") or 4 * sweep_seconds())


def _worker_check() -> str:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if not backend.startswith("django_tasks_db"):
        return "ok (tasks run in the web process)"
    seen = last_worker_heartbeat()
    if seen is None:
        return "no task worker has started"
    age = (timezone.now() - seen).total_seconds()
    if age > worker_stale_seconds():
        return f"no task worker heartbeat for {age:.0f} s"
    return "ok"


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, every migration is applied, a task worker is alive.
    503 with the failing checks named otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = _migrations_check()
        checks["worker"] = _worker_check()
    except DatabaseError as error:
        checks["database"] = f"unreachable: {str(error).strip()[:200]}"
    ready = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
