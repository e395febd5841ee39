"""Things that happened in an organisation, announced to whoever listens (webhooks).

An app calls :func:`domain_event_emit` inside the transaction that made the change; listeners
are connected in their ``AppConfig.ready`` and run synchronously in that same transaction, so
what they write (the webhooks outbox) commits or rolls back with the change itself. This
module sits in the lowest layer so every app may emit without importing its listeners.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import django.dispatch

#: sent with ``organisation_id`` (int), ``event_type`` (str, e.g. "credential.issued") and
#: ``items`` (a list of JSON-ready dicts, one event each)
domain_event = django.dispatch.Signal()


def domain_event_emit(*, organisation_id: int, event_type: str, data: Mapping[str, Any]) -> None:
    """Announce one event of ``event_type`` with its JSON-ready ``data``."""
    domain_events_emit(organisation_id=organisation_id, event_type=event_type, items=[data])


def domain_events_emit(
    *, organisation_id: int, event_type: str, items: Sequence[Mapping[str, Any]]
) -> None:
    """Announce several events of one type at once (a bulk issue)."""
    if items:
        domain_event.send(
            sender=None,
            organisation_id=organisation_id,
            event_type=event_type,
            items=[dict(item) for item in items],
        )
