"""The demo organisation's webhook endpoint: turned off (its receiver is an example address),
with a short delivery log so the page shows what administrators will see. Loading it twice
changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred_web.orgs.models import Organisation
from microcred_web.webhooks import secrets
from microcred_web.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint, Message

DEMO_URL = "https://hooks.northwind.example/microcred"


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    endpoint = Endpoint.objects.filter(organisation=organisation, url=DEMO_URL).first()
    if endpoint is None:
        endpoint = Endpoint(
            organisation=organisation,
            url=DEMO_URL,
            description="HR system (demo: turn it on after pointing it at your receiver)",
            event_types=["credential.issued", "credential.revoked", "person.joined"],
            enabled=False,
        )
        endpoint.secret_sealed = secrets.seal(
            secrets.secret_generate(), endpoint_public_id=str(endpoint.public_id)
        )
        endpoint.save()
        _log(endpoint)
    return {"webhook endpoints": Endpoint.objects.filter(organisation=organisation).count()}


def _log(endpoint: Endpoint) -> None:
    now = timezone.now()
    for number, (event_type, code, body) in enumerate(
        (
            ("webhook.test", 200, '{"received": true}'),
            ("person.joined", 500, "Internal Server Error"),
        ),
        start=1,
    ):
        sent = now - timedelta(hours=3 - number)
        message = Message.objects.create(
            organisation=endpoint.organisation,
            msg_id=f"msg_demo{endpoint.pk}x{number}",
            event_type=event_type,
            payload=json.dumps({"type": event_type, "timestamp": sent.isoformat(), "data": {}}),
            created_at=sent,
        )
        ok = code < 300
        delivery = Delivery.objects.create(
            message=message,
            endpoint=endpoint,
            status=DeliveryStatus.SUCCEEDED if ok else DeliveryStatus.FAILED,
            attempts=1,
            last_status_code=code,
            finished_at=sent,
        )
        Attempt.objects.create(
            delivery=delivery,
            number=1,
            started_at=sent,
            duration_ms=120 if ok else 340,
            status_code=code,
            succeeded=ok,
            error="" if ok else f"HTTP {code}",
            response_body=body,
        )
