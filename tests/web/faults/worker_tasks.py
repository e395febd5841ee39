"""Tasks the fault tests enqueue for a real ``db_worker`` (imported by the worker process)."""

from __future__ import annotations

from django.db import connection
from django_tasks import task


@task()
def probe(*, marker: str) -> str:
    """Does a query and returns its marker: proof that the worker runs tasks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [marker])
        (value,) = cursor.fetchone()
    return str(value)


@task()
def lose_own_connection() -> None:
    """Terminates the worker's own PostgreSQL backend: the task fails, and so does the write
    of its outcome on the same connection (django-tasks-db's failure path)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
