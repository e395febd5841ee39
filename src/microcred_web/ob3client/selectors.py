"""Reads of the OB 3.0 client: one person's connected hosts and their logs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from microcred_web.ob3client.models import ConnectedHost, HostActivity


def hosts_of(*, user: Any) -> QuerySet[ConnectedHost]:
    return ConnectedHost.objects.filter(owner_id=user.pk)


def host_of(*, user: Any, public_id: Any) -> ConnectedHost | None:
    """``user``'s host with this id (None for anyone else's)."""
    return hosts_of(user=user).filter(public_id=public_id).first()


def activity_of(*, host: ConnectedHost, limit: int = 20) -> list[HostActivity]:
    return list(host.activities.all()[:limit])
