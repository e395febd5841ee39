"""Writes owned by the analytics app: recording and pruning credential events."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final, NamedTuple

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent, EventKind
from microcred_web.analytics.visitors import visitor_hash
from microcred_web.analytics.writer import EventWriter, RetryLater
from microcred_web.common.db import concrete_field, hot_cursor

logger = logging.getLogger(__name__)

_KINDS = frozenset(EventKind.values)


#: the columns :func:`event_record` writes, in its INSERT's order
_INSERT_FIELDS: Final = (
    "kind",
    "credential_id",
    "organisation_id",
    "channel",
    "result",
    "viewer_organisation_id",
    "visitor_hash",
    "created_at",
)


class _Statements(NamedTuple):
    """The SQL that writes events to one database, built once from the model's metadata
    (identifiers quoted; values are parameters)."""

    insert_head: str  # INSERT INTO table (columns) VALUES
    values_group: str  # one row's (%s, …)
    copy: str  # COPY table (columns) FROM STDIN (PostgreSQL)
    created_at: Field[Any, Any]  # its value may need adapting to the backend


@functools.lru_cache(maxsize=4)
def _statements(alias: str) -> _Statements:
    quote = connections[alias].ops.quote_name
    fields = tuple(concrete_field(CredentialEvent, name) for name in _INSERT_FIELDS)
    target = f"{quote(CredentialEvent._meta.db_table)} "
    target += "(" + ", ".join(quote(field.column) for field in fields) + ")"
    return _Statements(
        insert_head=f"INSERT INTO {target} VALUES ",  # noqa: S608
        values_group="(" + ", ".join(["%s"] * len(fields)) + ")",
        copy=f"COPY {target} FROM STDIN",
        created_at=fields[-1],
    )


def event_record(
    *,
    kind: str,
    credential_id: int | None = None,
    organisation_id: int | None = None,
    channel: str = "",
    result: str = "",
    viewer_organisation_id: int | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record one event. Never raises: analytics must not break the page it is measuring (a
    failure is logged and the caller's request goes on).

    With ``MICROCRED_EVENTS_FLUSH_SECONDS`` above 0 (the default) the event is queued and a
    thread of the process writes the queue in batches (:mod:`~microcred_web.analytics.writer`:
    what a crash can lose, and what it cannot); inside a transaction it is queued when the
    transaction commits, and not at all if it rolls back. With 0 it is one INSERT, committed
    before this returns (in a savepoint inside the caller's transaction).
    """
    try:
        if kind not in _KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        now = timezone.now()
        alias = router.db_for_write(CredentialEvent)
        row = (
            kind,
            credential_id,
            organisation_id,
            channel[:20],
            result[:20],
            viewer_organisation_id,
            visitor_hash(request, day=now.date()) if request is not None else "",
            now,
        )
        connection = connections[alias]
        interval = settings.MICROCRED_EVENTS_FLUSH_SECONDS
        if interval > 0:
            queue = _writer(alias, interval)
            if connection.in_atomic_block:
                transaction.on_commit(functools.partial(queue.put, row), using=alias)
            else:
                queue.put(row)
        elif connection.in_atomic_block:
            # a savepoint, so a failed INSERT inside the caller's transaction does not poison it
            with transaction.atomic(using=alias):
                _insert(alias, [row])
        else:  # autocommit: one INSERT, one round trip
            _insert(alias, [row])
    except (DatabaseError, ValueError, TypeError):
        logger.exception("analytics event %s not recorded", kind)


def events_flush() -> int:
    """Write the events this process has queued now; returns how many were written."""
    with _writers_lock:
        writers = list(_writers.values())
    return sum(writer.flush() for writer in writers)


def event_writers_close() -> None:
    """Write what this process has queued and stop its writer threads (a later event starts
    a new one)."""
    with _writers_lock:
        writers = list(_writers.values())
        _writers.clear()
    for writer in writers:
        writer.close()


def _insert(alias: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (event rows in :data:`_INSERT_FIELDS` order): one row with the prepared
    statement; more through ``COPY`` on PostgreSQL (psycopg formats the rows in C), elsewhere
    with multi-row statements as large as the backend's parameter limit allows."""
    connection = connections[alias]
    sql = _statements(alias)
    if len(rows) == 1:
        hot_cursor(connection).execute(
            sql.insert_head + sql.values_group, _params(rows, sql.created_at, connection)
        )
    elif connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(sql.copy) as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        limit = connection.features.max_query_params or 8000
        per_statement = max(1, min(1000, limit // len(_INSERT_FIELDS)))
        with connection.cursor() as cursor:
            for first in range(0, len(rows), per_statement):
                chunk = rows[first : first + per_statement]
                statement = sql.insert_head + ", ".join([sql.values_group] * len(chunk))
                cursor.execute(statement, _params(chunk, sql.created_at, connection))


def _params(
    rows: Sequence[tuple[Any, ...]], created_at: Field[Any, Any], connection: Any
) -> list[Any]:
    params: list[Any] = []
    for row in rows:
        params += row[:-1]  # plain str/int/None
        params.append(created_at.get_db_prep_save(row[-1], connection))
    return params


def _write_batch(alias: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """The writer thread's write: all ``rows`` in one transaction, or none."""
    try:
        with transaction.atomic(using=alias):
            _insert(alias, rows)
    except (OperationalError, InterfaceError) as exc:
        # the connection is broken or the server away: reconnect on the next attempt
        connections[alias].close()
        raise RetryLater(str(exc)) from exc


_writers: dict[str, EventWriter] = {}
_writers_lock = threading.Lock()


def _writer(alias: str, interval: float) -> EventWriter:
    writer = _writers.get(alias)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(alias)
            if writer is None:
                writer = EventWriter(
                    functools.partial(_write_batch, alias),
                    interval=interval,
                    capacity=settings.MICROCRED_EVENTS_QUEUE_MAX,
                    name="analytics events",
                    on_exit=connections.close_all,  # the thread's own connections
                )
                _writers[alias] = writer
    return writer


def events_prune(*, days: int) -> int:
    """Delete events older than ``days`` days; returns how many were deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = CredentialEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
