"""Reads owned by the common app."""

from __future__ import annotations

from typing import Any

from django.db import models

from microcred_web.common.models import AuditEvent


def audit_event_list(*, organisation: Any) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")
