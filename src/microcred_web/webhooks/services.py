"""Writes for webhooks: endpoints (create, change, rotate the secret, delete), the outbox
(a message and one delivery per subscribed endpoint, written in the transaction of the event)
and re-delivery. Sending is :mod:`~microcred_web.webhooks.delivery`'s job."""

from __future__ import annotations

import json
import logging
import secrets as random
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import UnsafeFetch
from microcred_web.common.safe_post import target_check
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.webhooks import secrets
from microcred_web.webhooks.models import (
    TEST_EVENT_TYPE,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EventType,
    Message,
)

logger = logging.getLogger(__name__)


def allow_private() -> bool:
    return bool(getattr(settings, "MICROCRED_WEBHOOKS_ALLOW_PRIVATE", False))


def allow_http() -> bool:
    return bool(getattr(settings, "MICROCRED_WEBHOOKS_ALLOW_HTTP", False))


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ApplicationError("url_required", _("Enter the receiver's URL."), "url")
    if len(url) > 500:
        raise ApplicationError("url_too_long", _("The URL is longer than 500 characters."), "url")
    if not url.lower().startswith("https://") and not (
        allow_http() and url.lower().startswith("http://")
    ):
        raise ApplicationError("url_not_https", _("The URL must start with https://."), "url")
    try:
        target_check(url, allow_private=allow_private(), allow_http=allow_http())
    except UnsafeFetch as exc:
        raise ApplicationError(
            "url_refused",
            _("This address cannot receive webhooks: %(reason)s.") % {"reason": exc.message},
            "url",
        ) from exc
    return url


def _clean_types(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    unknown = [t for t in chosen if t not in EventType.values]
    if unknown:
        raise ApplicationError(
            "event_type_unknown",
            _("Unknown event type: %(type)s.") % {"type": unknown[0]},
            "event_types",
        )
    if not chosen:
        raise ApplicationError(
            "event_types_required", _("Choose at least one event type."), "event_types"
        )
    return [t for t in EventType.values if t in chosen]


@transaction.atomic
def endpoint_create(
    *,
    organisation: Organisation,
    actor: Any,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    enabled: bool = True,
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (returned once, stored sealed)."""
    endpoint = Endpoint(
        organisation=organisation,
        url=_clean_url(url),
        event_types=_clean_types(event_types),
        description=description.strip()[:200],
        enabled=enabled,
    )
    secret = secrets.secret_generate()
    endpoint.secret_sealed = secrets.seal(secret, endpoint_public_id=str(endpoint.public_id))
    endpoint.save()
    subscribers_forget()
    audit_record(
        action="webhooks.endpoint_created",
        actor=actor,
        organisation=organisation,
        target=endpoint,
        data={"url": endpoint.url, "event_types": endpoint.event_types},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    actor: Any,
    url: str,
    event_types: Iterable[str],
    description: str,
    enabled: bool,
) -> Endpoint:
    endpoint.url = _clean_url(url)
    endpoint.event_types = _clean_types(event_types)
    endpoint.description = description.strip()[:200]
    if enabled and not endpoint.enabled:  # turned back on: a fresh start
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        endpoint.disabled_reason = ""
    endpoint.enabled = enabled
    endpoint.save()
    subscribers_forget()
    audit_record(
        action="webhooks.endpoint_updated",
        actor=actor,
        organisation=endpoint.organisation,
        target=endpoint,
        data={"url": endpoint.url, "event_types": endpoint.event_types, "enabled": enabled},
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor: Any) -> None:
    audit_record(
        action="webhooks.endpoint_deleted",
        actor=actor,
        organisation=endpoint.organisation,
        data={"url": endpoint.url},
    )
    endpoint.delete()
    subscribers_forget()


@transaction.atomic
def endpoint_secret_rotate(
    *, endpoint: Endpoint, actor: Any, now: datetime | None = None
) -> tuple[Endpoint, str]:
    """A new secret; the old one keeps signing (beside the new) for the grace period."""
    now = now or timezone.now()
    hours = float(getattr(settings, "MICROCRED_WEBHOOKS_ROTATION_GRACE_HOURS", 24))
    public_id = str(endpoint.public_id)
    old = secrets.unseal(endpoint.secret_sealed, endpoint_public_id=public_id)
    secret = secrets.secret_generate()
    endpoint.previous_secret_sealed = secrets.seal(old, endpoint_public_id=public_id)
    endpoint.previous_secret_until = now + timedelta(hours=hours)
    endpoint.secret_sealed = secrets.seal(secret, endpoint_public_id=public_id)
    endpoint.save(
        update_fields=["secret_sealed", "previous_secret_sealed", "previous_secret_until"]
    )
    audit_record(
        action="webhooks.secret_rotated",
        actor=actor,
        organisation=endpoint.organisation,
        target=endpoint,
        data={"grace_hours": hours},
    )
    return endpoint, secret


def endpoint_secrets(endpoint: Endpoint, *, now: datetime) -> list[str]:
    """The secrets to sign with now: the current one, and the previous during its grace."""
    public_id = str(endpoint.public_id)
    found = [secrets.unseal(endpoint.secret_sealed, endpoint_public_id=public_id)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_sealed and until is not None and until > now:
        found.append(secrets.unseal(endpoint.previous_secret_sealed, endpoint_public_id=public_id))
    return found


# --------------------------------------------------------------------------- the outbox


def _msg_id() -> str:
    return "msg_" + random.token_urlsafe(18)


def _payload(event_type: str, data: Mapping[str, Any], moment: datetime) -> str:
    body = {"type": event_type, "timestamp": moment.isoformat(), "data": dict(data)}
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def messages_record(
    *,
    organisation_id: int,
    event_type: str,
    items: Sequence[Mapping[str, Any]],
    endpoints: Sequence[Endpoint],
    now: datetime | None = None,
) -> list[Message]:
    """Write one message per item and a due delivery for each endpoint (caller's
    transaction); the worker is woken once the transaction commits."""
    if not endpoints or not items:
        return []
    now = now or timezone.now()
    messages = Message.objects.bulk_create(
        Message(
            organisation_id=organisation_id,
            msg_id=_msg_id(),
            event_type=event_type,
            payload=_payload(event_type, item, now),
            created_at=now,
        )
        for item in items
    )
    if any(m.pk is None for m in messages):  # backends that do not return ids
        ids = [m.msg_id for m in messages]
        messages = list(Message.objects.filter(msg_id__in=ids))
    Delivery.objects.bulk_create(
        Delivery(message=message, endpoint=endpoint, next_attempt_at=now)
        for message in messages
        for endpoint in endpoints
    )
    _wake_on_commit()
    return messages


#: events of pages anyone opens (a view, a verification): an organisation found without
#: enabled endpoints is remembered for a moment, so most such requests make no query at all
HOT_TYPES: Final = frozenset({EventType.CREDENTIAL_VIEWED, EventType.CREDENTIAL_VERIFIED})
HOT_CACHE_SECONDS: Final = 2.0
_none_until: dict[int, float] = {}  # organisation id -> when "no endpoints" must be re-checked


def subscribers_forget() -> None:
    """Drop this process's cache (an endpoint changed here; other processes see a new
    endpoint within :data:`HOT_CACHE_SECONDS`)."""
    _none_until.clear()


def _subscribers(organisation_id: int, event_type: str) -> list[Endpoint]:
    hot = event_type in HOT_TYPES
    if hot and _none_until.get(organisation_id, 0.0) > time.monotonic():
        return []
    enabled = list(Endpoint.objects.filter(organisation_id=organisation_id, enabled=True))
    if hot and not enabled:
        _none_until[organisation_id] = time.monotonic() + HOT_CACHE_SECONDS
    return [endpoint for endpoint in enabled if event_type in endpoint.event_types]


def domain_event_receive(
    *, organisation_id: int, event_type: str, items: Sequence[Mapping[str, Any]], **_: Any
) -> None:
    """The listener of :data:`~microcred_web.common.domain_events.domain_event`: the outbox
    rows for every enabled endpoint of the organisation subscribed to ``event_type``."""
    endpoints = _subscribers(organisation_id, event_type)
    if not endpoints:
        return
    if event_type not in HOT_TYPES:
        messages_record(
            organisation_id=organisation_id,
            event_type=event_type,
            items=items,
            endpoints=endpoints,
        )
        return
    try:  # a view or a verification must never fail because of webhooks
        with transaction.atomic():
            messages_record(
                organisation_id=organisation_id,
                event_type=event_type,
                items=items,
                endpoints=endpoints,
            )
    except DatabaseError:  # e.g. the endpoint was deleted meanwhile
        logger.exception("webhook event %s dropped", event_type)
        subscribers_forget()


@transaction.atomic
def test_event_send(*, endpoint: Endpoint, actor: Any) -> Message:
    """A ``webhook.test`` message to this endpoint only (even if it is disabled)."""
    data = {"endpoint": str(endpoint.public_id), "organisation": endpoint.organisation.slug}
    messages = messages_record(
        organisation_id=endpoint.organisation_id,
        event_type=TEST_EVENT_TYPE,
        items=[data],
        endpoints=[endpoint],
    )
    audit_record(
        action="webhooks.test_sent",
        actor=actor,
        organisation=endpoint.organisation,
        target=endpoint,
    )
    return messages[0]


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor: Any) -> Delivery:
    """Send this message to its endpoint again now (same ``webhook-id``)."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.lease_until = None
    delivery.lease_owner = ""
    delivery.finished_at = None
    delivery.save(
        update_fields=["status", "next_attempt_at", "lease_until", "lease_owner", "finished_at"]
    )
    audit_record(
        action="webhooks.redelivered",
        actor=actor,
        organisation=delivery.endpoint.organisation,
        target=delivery.endpoint,
        data={"message": delivery.message.msg_id},
    )
    _wake_on_commit()
    return delivery


def _wake_on_commit() -> None:
    from microcred_web.webhooks.tasks import webhook_deliveries_run

    transaction.on_commit(webhook_deliveries_run.enqueue)
