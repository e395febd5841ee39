"""Writes owned by the analytics app: recording and pruning credential events."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Any, Final

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent, EventKind
from microcred_web.analytics.visitors import visitor_hash
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


@functools.lru_cache(maxsize=4)
def _insert_statement(alias: str) -> tuple[str, Field[Any, Any]]:
    """The event INSERT for one database, built once from the model's metadata, and the
    ``created_at`` field (whose value the backend may need adapted)."""
    meta = CredentialEvent._meta
    quote = connections[alias].ops.quote_name
    fields = tuple(concrete_field(CredentialEvent, name) for name in _INSERT_FIELDS)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # identifiers from the model's metadata, quoted; values are parameters
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    return sql, fields[-1]


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
    """Record one event with a single INSERT. Never raises: analytics must not break the page
    it is measuring (a failure is logged and the caller's request goes on).

    The INSERT is one plain statement built once from the model (no ORM compilation per
    event, prepared by PostgreSQL after a few uses: see :func:`~microcred_web.common.db.
    hot_cursor`), committed like any write outside a transaction: every event is durable
    when the request that caused it answers.
    """
    try:
        if kind not in _KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        now = timezone.now()
        alias = router.db_for_write(CredentialEvent)
        connection = connections[alias]
        sql, created_at = _insert_statement(alias)
        params = (
            kind,
            credential_id,
            organisation_id,
            channel[:20],
            result[:20],
            viewer_organisation_id,
            visitor_hash(request, day=now.date()) if request is not None else "",
            created_at.get_db_prep_save(now, connection),  # the rest are plain str/int/None
        )
        if connection.in_atomic_block:
            # a savepoint, so a failed INSERT inside the caller's transaction does not poison it
            with transaction.atomic(using=alias):
                hot_cursor(connection).execute(sql, params)
        else:  # autocommit: one INSERT, one round trip
            hot_cursor(connection).execute(sql, params)
    except (DatabaseError, ValueError, TypeError):
        logger.exception("analytics event %s not recorded", kind)


def events_prune(*, days: int) -> int:
    """Delete events older than ``days`` days; returns how many were deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = CredentialEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
