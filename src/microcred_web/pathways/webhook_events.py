"""``pathway.completed``: announced when a pathway's goal achievement is awarded (the awards
machinery issues the goal once the pathway's rule holds, docs/decisions/0025)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from microcred_web.common.domain_events import domain_events_emit
from microcred_web.pathways.models import Pathway


def on_domain_event(
    *, organisation_id: int, event_type: str, items: Sequence[Mapping[str, Any]], **_: Any
) -> None:
    if event_type != "award.earned":
        return
    for item in items:
        achievement_id = (item.get("achievement") or {}).get("id")
        if not achievement_id:
            continue
        pathways = Pathway.objects.filter(
            organisation_id=organisation_id,
            goal__public_id=achievement_id,
            published_version__isnull=False,
        )
        completed = [
            {
                "pathway": {"id": str(pathway.public_id), "name": pathway.name},
                "recipient": item.get("recipient"),
                "credential": item.get("credential"),
                "completed_at": item.get("earned_at"),
            }
            for pathway in pathways
        ]
        domain_events_emit(
            organisation_id=organisation_id, event_type="pathway.completed", items=completed
        )
