"""Reads for webhooks (always within one organisation)."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred_web.orgs.models import Organisation
from microcred_web.webhooks.models import Delivery, Endpoint


def endpoint_list(*, organisation: Organisation) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organisation=organisation)


def endpoint_get(*, organisation: Organisation, endpoint_id: int) -> Endpoint | None:
    return Endpoint.objects.filter(organisation=organisation, pk=endpoint_id).first()


def delivery_log(*, endpoint: Endpoint, limit: int = 100) -> list[Delivery]:
    """The latest deliveries with their attempts (newest first)."""
    rows = Delivery.objects.filter(endpoint=endpoint).select_related("message")
    return list(rows.prefetch_related("attempt_log").order_by("-created_at", "-id")[:limit])


def delivery_get(*, endpoint: Endpoint, delivery_id: int) -> Delivery | None:
    rows = Delivery.objects.filter(endpoint=endpoint, pk=delivery_id)
    return rows.select_related("message", "endpoint__organisation").first()
