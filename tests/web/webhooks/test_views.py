"""The administrators' pages: add an endpoint (secret shown once), send a test event, read
the delivery log, re-deliver, rotate; other organisations' admins reach none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from microcred_web.webhooks import services
from microcred_web.webhooks.models import Attempt, Delivery, Endpoint

pytestmark = pytest.mark.django_db


def _url(name: str, endpoint: Endpoint, slug: str = "acme", **extra: int) -> str:
    return reverse(f"webhooks:{name}", kwargs={"slug": slug, "endpoint_id": endpoint.pk, **extra})


def test_admin_adds_an_endpoint_and_sees_the_secret_once(client, world, receiver) -> None:
    client.force_login(world.people["admin"])
    response = client.post(
        reverse("webhooks:new", kwargs={"slug": "acme"}),
        {
            "url": receiver.url,
            "description": "HR",
            "event_types": ["person.joined"],
            "enabled": "on",
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("detail", endpoint)
    first = client.get(_url("detail", endpoint))
    secret = first.context["secret"]
    assert secret.startswith("whsec_") and secret in first.content.decode()
    assert services.endpoint_secrets(endpoint, now=endpoint.created_at) == [secret]
    again = client.get(_url("detail", endpoint))
    assert secret not in again.content.decode()


def test_bad_input_is_shown_on_the_field(client, world, settings) -> None:
    settings.MICROCRED_WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(world.people["admin"])
    response = client.post(
        reverse("webhooks:new", kwargs={"slug": "acme"}),
        {"url": "https://192.168.1.5/in", "event_types": ["person.joined"]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert not Endpoint.objects.exists()


def test_test_event_log_and_redelivery(
    client, world, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint, secret = services.endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url=receiver.url,
        event_types=["person.joined"],
    )
    client.force_login(world.people["admin"])
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the wake-up task
        assert client.post(_url("test", endpoint)).status_code == 302
    (got,) = receiver.received
    assert got.payload["type"] == "webhook.test" and got.verifies_with(secret)
    page = client.get(_url("detail", endpoint)).content.decode()
    assert "webhook.test" in page and "HTTP 200" in page

    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("redeliver", endpoint, delivery_id=delivery.pk))
    assert response.status_code == 302
    assert receiver.ids() == [got.msg_id, got.msg_id]
    assert Attempt.objects.filter(delivery=delivery).count() == 2

    assert client.post(_url("rotate", endpoint)).status_code == 302
    new = client.get(_url("detail", endpoint)).context["secret"]
    assert new != secret and new.startswith("whsec_")


def test_other_organisations_admin_reaches_nothing(client, world, receiver) -> None:
    endpoint, _secret = services.endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url=receiver.url,
        event_types=["person.joined"],
    )
    services.test_event_send(endpoint=endpoint, actor=world.people["admin"])
    delivery = Delivery.objects.get()
    client.force_login(world.others["admin"])  # an administrator, of Globex
    assert client.get(_url("detail", endpoint, slug="globex")).status_code == 404
    assert client.get(_url("edit", endpoint, slug="globex")).status_code == 404
    for name in ("rotate", "test", "delete"):
        assert client.post(_url(name, endpoint, slug="globex")).status_code == 404
    redeliver = _url("redeliver", endpoint, slug="globex", delivery_id=delivery.pk)
    assert client.post(redeliver).status_code == 404
    assert client.get(_url("detail", endpoint)).status_code == 404  # not a member of Acme
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert Delivery.objects.count() == 1 and not receiver.received
