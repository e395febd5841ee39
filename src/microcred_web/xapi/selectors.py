"""LRS reads: one statement by id (voided ones only by ``voidedStatementId``), recent ones."""

from __future__ import annotations

import uuid
from typing import Any

from microcred_web.orgs.models import Organisation
from microcred_web.xapi.models import XapiStatement


def statement_get(
    *, organisation: Organisation, statement_id: uuid.UUID, voided: bool
) -> dict[str, Any] | None:
    row = XapiStatement.objects.filter(
        organisation=organisation, statement_id=statement_id, voided=voided
    ).first()
    return dict(row.body) if row else None


def statements_recent(*, organisation: Organisation, limit: int) -> list[dict[str, Any]]:
    """The latest statements that are not voided (newest first)."""
    rows = XapiStatement.objects.filter(organisation=organisation, voided=False)[:limit]
    return [dict(row.body) for row in rows]


def statement_counts(*, organisation: Organisation) -> dict[str, int]:
    rows = XapiStatement.objects.filter(organisation=organisation)
    return {
        "stored": rows.count(),
        "applied": rows.filter(not_applied="").count(),
        "voided": rows.filter(voided=True).count(),
    }
