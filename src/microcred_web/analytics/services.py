"""Writes owned by the analytics app: recording and pruning credential events."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent, EventKind
from microcred_web.analytics.visitors import visitor_hash

logger = logging.getLogger(__name__)

_KINDS = frozenset(EventKind.values)


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
    it is measuring (a failure is logged and the caller's request goes on)."""
    try:
        if kind not in _KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        now = timezone.now()
        event = CredentialEvent(
            kind=kind,
            credential_id=credential_id,
            organisation_id=organisation_id,
            channel=channel[:20],
            result=result[:20],
            viewer_organisation_id=viewer_organisation_id,
            visitor_hash=visitor_hash(request, day=now.date()) if request is not None else "",
        )
        if transaction.get_connection().in_atomic_block:
            # a savepoint, so a failed INSERT inside the caller's transaction does not poison it
            with transaction.atomic():
                event.save(force_insert=True)
        else:  # autocommit: one INSERT, one round trip
            event.save(force_insert=True)
    except (DatabaseError, ValueError, TypeError):
        logger.exception("analytics event %s not recorded", kind)


def events_prune(*, days: int) -> int:
    """Delete events older than ``days`` days; returns how many were deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = CredentialEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
