"""A real worker process killed with SIGKILL mid-delivery: its delivery comes back after the
lease and reaches the receiver again with the same ``webhook-id`` (nothing lost)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from microcred_web.webhooks import services
from microcred_web.webhooks.delivery import deliveries_run
from microcred_web.webhooks.models import Delivery, DeliveryStatus

ROOT = Path(__file__).resolve().parents[3]
WORKER = "from microcred_web.webhooks.delivery import deliveries_run; deliveries_run()"


def _database_url() -> str:
    """The test database, as the worker process must reach it (SQLite file or PostgreSQL)."""
    db = settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_killed_worker_delivery_is_reclaimed_with_the_same_id(world, receiver, monkeypatch) -> None:
    monkeypatch.setattr(services, "_wake_on_commit", lambda: None)  # the worker below sends
    endpoint, secret = services.endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url=receiver.url,
        event_types=["person.joined"],
    )
    services.test_event_send(endpoint=endpoint, actor=world.people["admin"])
    receiver.hang_seconds = 30.0  # the worker will be in the middle of this request
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "microcred_web.config.settings_test",
        "DATABASE_URL": _database_url(),
        "MICROCRED_WEBHOOKS_ALLOW_PRIVATE": "1",
        "MICROCRED_WEBHOOKS_ALLOW_HTTP": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", f"import django; django.setup(); {WORKER}"], env=env, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.received, "the worker never sent"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.lease_until is not None
    assert delivery.attempts == 0  # the dead worker recorded nothing

    receiver.hang_seconds = 0.0
    assert deliveries_run() == 0  # the lease still holds: nobody sends it twice meanwhile
    assert delivery.lease_until > timezone.now() + timedelta(seconds=60)  # 10 × (15 s + 1) + 30
    later = delivery.lease_until + timedelta(seconds=1)
    assert deliveries_run(now=later) == 1
    first, second = receiver.received
    assert first.msg_id == second.msg_id and second.verifies_with(secret)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
