"""Sending webhooks: claim due deliveries with a lease, POST them through the guarded fetcher,
log every attempt, retry with exponential back-off and jitter, disable endpoints that keep
failing (and tell their administrators).

Crash safety: a delivery is claimed by writing ``lease_until``/``lease_owner`` in a short
transaction; a worker that dies mid-send leaves the lease to expire and the next run claims
the row again and sends the same message (same ``webhook-id``, so receivers drop the repeat).
Nothing is lost: the row was written with the event, and only a recorded answer ends it.
"""

from __future__ import annotations

import logging
import queue
import random
import secrets as random_ids
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from microcred_web.common.email import email_queue, email_render, language_for
from microcred_web.common.safe_fetch import UnsafeFetch
from microcred_web.common.safe_post import PostAnswer, safe_post
from microcred_web.orgs.models import Membership, Role
from microcred_web.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, Message
from microcred_web.webhooks.secrets import signature_header
from microcred_web.webhooks.services import allow_http, allow_private, endpoint_secrets

logger = logging.getLogger(__name__)

#: wait before attempt 2, 3, … (Standard Webhooks' suggested schedule); then it has failed
RETRY_SCHEDULE: Final = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER: Final = 0.1  # ± 10 % of the wait
BODY_KEPT: Final = 2_000  # characters of an answer kept in the log


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def retry_delay(attempts_made: int) -> timedelta | None:
    """The wait after ``attempts_made`` failed attempts, with jitter; None = give up."""
    if attempts_made > len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempts_made - 1].total_seconds()
    return timedelta(seconds=base * (1 + random.uniform(-JITTER, JITTER)))


def lease_for(limit: int) -> float:
    """Long enough to send ``limit`` deliveries that all time out, plus a margin."""
    configured = _setting("MICROCRED_WEBHOOKS_LEASE_SECONDS", 0)
    return configured or limit * (_setting("MICROCRED_WEBHOOKS_TIMEOUT", 15) + 1) + 30


def deliveries_claim(*, now: datetime, limit: int = 10, lease_seconds: float = 0) -> list[Delivery]:
    """Take up to ``limit`` due deliveries nobody holds (or whose holder's lease expired)."""
    lease = lease_seconds or lease_for(limit)
    owner = random_ids.token_hex(8)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        due = Delivery.objects.filter(free, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        due = due.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(free, pk__in=ids).update(
            lease_until=now + timedelta(seconds=lease), lease_owner=owner
        )
    _wake_later(now + timedelta(seconds=lease + 1))  # if this worker dies, the rows come back
    claimed = Delivery.objects.filter(lease_owner=owner, pk__in=ids)
    return list(claimed.select_related("message", "endpoint", "endpoint__organisation"))


def deliveries_run(*, now: datetime | None = None, limit: int = 10) -> int:
    """Claim and send due deliveries until none is left; returns how many were attempted."""
    attempted = 0
    while True:
        claimed = deliveries_claim(now=now or timezone.now(), limit=limit)
        if not claimed:
            return attempted
        attempted += _batch_send(claimed, now=now)


@dataclass
class _Sent:
    delivery: Delivery
    sent_at: datetime
    answer: PostAnswer | None
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.answer is not None and 200 <= self.answer.status < 300


def _batch_send(claimed: list[Delivery], *, now: datetime | None) -> int:
    """Send a claimed batch: endpoints in parallel (threads doing HTTP only), each endpoint's
    deliveries in order; outcomes recorded here, on this thread's database connection."""
    groups: dict[int, list[Delivery]] = {}
    for delivery in claimed:
        groups.setdefault(delivery.endpoint_id, []).append(delivery)
    results: queue.Queue[_Sent | BaseException | None] = queue.Queue()
    workers = max(1, min(len(groups), int(_setting("MICROCRED_WEBHOOKS_CONCURRENCY", 8))))
    attempted: set[int] = set()
    failure: BaseException | None = None
    with ThreadPoolExecutor(workers, thread_name_prefix="webhook-send") as pool:
        for group in groups.values():
            pool.submit(_send_group, group, now, results)
        running = len(groups)
        while running:
            item = results.get()
            if isinstance(item, _Sent):
                _record(item)
                attempted.add(item.delivery.pk)
            else:
                running -= 1
                failure = failure or item
    leftovers = [d.pk for d in claimed if d.pk not in attempted]
    if leftovers:  # not sent (lease over, or the endpoint is being turned off): release them
        Delivery.objects.filter(pk__in=leftovers, lease_owner=claimed[0].lease_owner).update(
            lease_until=None, lease_owner=""
        )
    if failure is not None:
        raise failure
    return len(attempted)


def _send_group(
    group: list[Delivery],
    now: datetime | None,
    results: queue.Queue[_Sent | BaseException | None],
) -> None:
    """One endpoint's deliveries in order; stops once the failures would turn it off."""
    limit = int(_setting("MICROCRED_WEBHOOKS_DISABLE_AFTER_FAILURES", 100))
    failures = group[0].endpoint.consecutive_failures
    try:
        for delivery in group:
            lease_until = delivery.lease_until
            if now is None and lease_until is not None and timezone.now() >= lease_until:
                continue  # another worker may hold it now; it stays due for them
            sent = _send(delivery, now=now)
            results.put(sent)
            failures = 0 if sent.succeeded else failures + 1
            if failures >= limit:
                break
    except BaseException as exc:  # handed to the recording thread, raised there
        results.put(exc)
        return
    results.put(None)


def _headers(delivery: Delivery, sent_at: datetime) -> dict[str, str]:
    message = delivery.message
    stamp = int(sent_at.timestamp())
    body = message.payload.encode("utf-8")
    signing = endpoint_secrets(delivery.endpoint, now=sent_at)
    return {
        "Content-Type": "application/json",
        "webhook-id": message.msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature_header(
            signing, msg_id=message.msg_id, timestamp=stamp, body=body
        ),
    }


def _send(delivery: Delivery, *, now: datetime | None) -> _Sent:
    """POST one claimed delivery (no database work: safe on any thread)."""
    sent_at = now or timezone.now()
    answer: PostAnswer | None = None
    error = ""
    started = time.monotonic()
    try:
        answer = safe_post(
            delivery.endpoint.url,
            body=delivery.message.payload.encode("utf-8"),
            headers=_headers(delivery, sent_at),
            timeout=_setting("MICROCRED_WEBHOOKS_TIMEOUT", 15),
            allow_private=allow_private(),
            allow_http=allow_http(),
        )
    except UnsafeFetch as exc:
        error = exc.message
    duration = answer.duration_ms if answer else int((time.monotonic() - started) * 1000)
    return _Sent(delivery, sent_at, answer, error, duration)


def delivery_attempt(delivery: Delivery, *, now: datetime | None = None) -> Attempt:
    """POST one claimed delivery and record what happened."""
    return _record(_send(delivery, now=now))


@transaction.atomic
def _record(sent: _Sent) -> Attempt:
    delivery, sent_at, answer, error = sent.delivery, sent.sent_at, sent.answer, sent.error
    duration_ms, succeeded = sent.duration_ms, sent.succeeded
    number = delivery.attempts + 1
    attempt = Attempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=sent_at,
        duration_ms=duration_ms,
        status_code=answer.status if answer else None,
        succeeded=succeeded,
        error=error[:300] or ("" if succeeded else f"HTTP {answer.status if answer else '?'}"),
        response_body=(answer.body.decode("utf-8", "replace")[:BODY_KEPT] if answer else ""),
    )
    delay = None if succeeded else retry_delay(number)
    changes: dict[str, Any] = {
        "attempts": number,
        "last_status_code": answer.status if answer else None,
        "lease_until": None,
        "lease_owner": "",
    }
    if succeeded:
        changes.update(status=DeliveryStatus.SUCCEEDED, finished_at=sent_at, next_attempt_at=None)
    elif delay is None:
        changes.update(status=DeliveryStatus.FAILED, finished_at=sent_at, next_attempt_at=None)
    else:
        changes["next_attempt_at"] = sent_at + delay
    # only the lease holder records (a stale worker whose lease was taken over does not)
    Delivery.objects.filter(pk=delivery.pk, lease_owner=delivery.lease_owner).update(**changes)
    _endpoint_health(delivery.endpoint, succeeded=succeeded, now=sent_at)
    if delay is not None and not succeeded:
        _wake_later(sent_at + delay)
    return attempt


def _endpoint_health(endpoint: Endpoint, *, succeeded: bool, now: datetime) -> None:
    rows = Endpoint.objects.filter(pk=endpoint.pk)
    if succeeded:
        if endpoint.consecutive_failures or endpoint.failing_since:  # as of the claim
            rows.update(consecutive_failures=0, failing_since=None)
        return
    rows.filter(failing_since__isnull=True).update(failing_since=now)
    rows.update(consecutive_failures=F("consecutive_failures") + 1)
    current = rows.select_for_update().first()
    if current is None or not current.enabled:
        return
    limit = int(_setting("MICROCRED_WEBHOOKS_DISABLE_AFTER_FAILURES", 100))
    days = _setting("MICROCRED_WEBHOOKS_DISABLE_AFTER_DAYS", 5)
    too_long = current.failing_since is not None and now - current.failing_since >= timedelta(
        days=days
    )
    if current.consecutive_failures >= limit or too_long:
        endpoint_disable_failing(current, now=now)


def endpoint_disable_failing(endpoint: Endpoint, *, now: datetime) -> None:
    """Turn the endpoint off, stop its pending deliveries and e-mail the organisation's
    administrators (caller's transaction)."""
    reason = f"{endpoint.consecutive_failures} failed attempts in a row"
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason=reason)
    Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, finished_at=now, lease_until=None, lease_owner=""
    )
    organisation = endpoint.organisation
    admins = Membership.objects.filter(
        organisation=organisation, is_active=True, roles__role=Role.ADMIN
    ).select_related("user")
    url = reverse("webhooks:detail", kwargs={"slug": organisation.slug, "endpoint_id": endpoint.pk})
    for membership in admins:
        user = membership.user
        if not user.email:
            continue
        rendered = email_render(
            template="webhooks/email/endpoint_disabled",
            language=language_for(user=user, organisation=organisation),
            organisation=organisation,
            greeting_name=user.display_name or user.email,
            button_url=url,
            context={"endpoint": endpoint, "failures": endpoint.consecutive_failures},
        )
        email_queue(email=rendered, to=[user.email])
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)


def _wake_later(moment: datetime) -> None:
    """A run at ``moment`` for the retry (only where the task backend can defer)."""
    from microcred_web.webhooks.tasks import webhook_deliveries_run

    if not webhook_deliveries_run.get_backend().supports_defer:
        return
    transaction.on_commit(lambda: webhook_deliveries_run.using(run_after=moment).enqueue())


def messages_prune(now: datetime) -> int:
    """The daily job: forget messages older than the retention period (default 30 days)
    that nothing is still trying to deliver; their deliveries and log go with them."""
    days = _setting("MICROCRED_WEBHOOKS_RETENTION_DAYS", 30)
    old = Message.objects.filter(created_at__lt=now - timedelta(days=days)).exclude(
        deliveries__status=DeliveryStatus.PENDING
    )
    deleted, _by_model = Message.objects.filter(pk__in=old.values("pk")).delete()
    return deleted
