from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_reaches_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_without_a_separate_worker_checks_database_and_migrations(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == body["checks"]["migrations"] == "ok"


@pytest.mark.django_db
def test_readyz_needs_a_recent_worker_heartbeat_with_the_database_task_backend(
    client, settings
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from microcred_web.common.models import WorkerHeartbeat
    from microcred_web.common.task_worker import worker_heartbeat_record

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "no task worker has started"

    worker_heartbeat_record(worker_id="worker-1")
    assert client.get("/readyz").status_code == 200

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("no task worker heartbeat for 6")
