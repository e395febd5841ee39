"""The guarded POST under webhooks: the fetcher's address rules, no redirects followed, the
answer cut at its cap; and old messages pruned by the daily job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from microcred_web.common import scheduling
from microcred_web.common.safe_fetch import UnsafeFetch
from microcred_web.common.safe_post import safe_post
from microcred_web.webhooks import services
from microcred_web.webhooks.delivery import deliveries_run, messages_prune
from microcred_web.webhooks.models import Delivery, Message


def test_private_addresses_and_plain_http_need_the_operator(receiver) -> None:
    with pytest.raises(UnsafeFetch, match="only https"):
        safe_post(receiver.url, body=b"{}", headers={}, allow_private=True)
    with pytest.raises(UnsafeFetch, match="private or reserved"):
        safe_post(
            receiver.url.replace("http://", "https://"), body=b"{}", headers={}, allow_http=True
        )
    answer = safe_post(receiver.url, body=b"{}", headers={}, allow_private=True, allow_http=True)
    assert answer.status == 200 and answer.body == b'{"ok": true}'


def test_redirects_are_answers_and_bodies_are_capped(receiver) -> None:
    receiver.status = 307
    answer = safe_post(
        receiver.url, body=b"{}", headers={}, allow_private=True, allow_http=True, max_bytes=5
    )
    assert answer.status == 307 and answer.body == b"recei"  # cut at 5 bytes
    assert len(receiver.received) == 1  # nothing followed


@pytest.mark.django_db
def test_old_finished_messages_are_pruned_daily(world, receiver) -> None:
    assert "webhooks_prune" in {job.name for job in scheduling.daily_jobs()}
    endpoint, _secret = services.endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url=receiver.url,
        event_types=["person.joined"],
    )
    services.test_event_send(endpoint=endpoint, actor=world.people["admin"])
    deliveries_run()
    receiver.status = 500
    services.test_event_send(endpoint=endpoint, actor=world.people["admin"])
    deliveries_run()  # failed once: still pending, kept whatever its age
    Message.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert messages_prune(timezone.now()) >= 1
    (kept,) = Message.objects.all()
    assert Delivery.objects.get(message=kept).status == "pending"
