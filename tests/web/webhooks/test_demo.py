"""The demo organisation shows a webhook endpoint with a delivery log; loading twice: no more."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.webhooks.models import Attempt, Endpoint

pytestmark = pytest.mark.django_db


def test_demo_endpoint_and_log(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    endpoint = Endpoint.objects.get(organisation__slug="northwind")
    assert not endpoint.enabled and Attempt.objects.count() == 2
    client.force_login(
        endpoint.organisation.memberships.get(user__email="admin@northwind.example").user
    )
    listing = client.get("/o/northwind/webhooks/").content.decode()
    assert endpoint.url in listing
    page = client.get(f"/o/northwind/webhooks/{endpoint.pk}/").content.decode()
    assert "HTTP 500" in page and "HTTP 200" in page
    nav = client.get("/o/northwind/").content.decode()
    assert "/o/northwind/webhooks/" in nav
