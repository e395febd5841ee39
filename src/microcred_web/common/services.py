"""Writes owned by the common app: audit events."""

from __future__ import annotations

from typing import Any

from django.db import models

from microcred_web.common.hashing import keyed_hash
from microcred_web.common.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organisation: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Record one audit event; call it inside the transaction of the change it describes."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor_obj,
        organisation=organisation,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        data=data or {},
        ip_hash=keyed_hash(ip, purpose="audit-ip") if ip else "",
    )
