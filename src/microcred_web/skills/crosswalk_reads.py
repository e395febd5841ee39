"""Reads of crosswalks: the review list, a skill's matches and hierarchy, CSV and CASE export.

CASE 1.1 has no crosswalk document of its own: confirmed crosswalks export as ``CFAssociations``
(``exactMatchOf`` / ``isRelatedTo``) whose origin and destination are the two skills' URIs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import (
    CrosswalkRelation,
    CrosswalkState,
    Skill,
    SkillCrosswalk,
)

CASE_TYPES = {CrosswalkRelation.EXACT: "exactMatchOf", CrosswalkRelation.RELATED: "isRelatedTo"}
MAX_DEPTH = 12
CSV_COLUMNS = [
    "source_framework",
    "source_uri",
    "source_code",
    "source_label",
    "relation",
    "target_framework",
    "target_uri",
    "target_code",
    "target_label",
    "state",
    "score",
    "proposed_by",
    "decided_by",
    "decided_at",
]


def crosswalk_list(
    *, organisation: Organisation, framework_id: Any = None, state: str = ""
) -> QuerySet[SkillCrosswalk]:
    """The organisation's crosswalks, best score first; ``framework_id`` matches either side."""
    rows = SkillCrosswalk.objects.filter(organisation=organisation).select_related(
        "source__framework", "target__framework", "decided_by"
    )
    if framework_id and str(framework_id).isdigit():
        rows = rows.filter(
            Q(source__framework_id=framework_id) | Q(target__framework_id=framework_id)
        )
    if state in CrosswalkState.values:
        rows = rows.filter(state=state)
    return rows.order_by("state", "-score", "source__label", "id")


@dataclass(frozen=True)
class Match:
    skill: Skill
    relation: str


def confirmed_matches(*, organisation: Organisation, skill: Skill) -> list[Match]:
    """The skill's confirmed crosswalks, from its side, exact ones first."""
    rows = (
        SkillCrosswalk.objects.filter(organisation=organisation, state=CrosswalkState.CONFIRMED)
        .filter(Q(source=skill) | Q(target=skill))
        .select_related("source__framework", "target__framework")
    )
    found = [Match(r.target if r.source_id == skill.pk else r.source, r.relation) for r in rows]
    return sorted(found, key=lambda m: (m.relation != "exact", m.skill.label.casefold()))


def ancestors(skill: Skill) -> list[Skill]:
    """The skill's parents up to the framework's root, root first (a breadcrumb)."""
    chain: list[Skill] = []
    seen = {skill.pk}
    current = skill.parent
    while current is not None and current.pk not in seen and len(chain) < MAX_DEPTH:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain[::-1]


def children_of(skill: Skill, limit: int = 200) -> list[Skill]:
    return list(
        skill.children.filter(organisation_id=skill.organisation_id).order_by("label")[:limit]
    )


def crosswalks_csv(rows: Iterable[SkillCrosswalk]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [
            row.source.framework.name,
            row.source.uri,
            row.source.code,
            row.source.label,
            row.relation,
            row.target.framework.name,
            row.target.uri,
            row.target.code,
            row.target.label,
            row.state,
            "" if row.score is None else f"{row.score:.4f}",
            row.proposed_by,
            row.decided_by.email if row.decided_by else "",
            row.decided_at.isoformat() if row.decided_at else "",
        ]
        # a cell starting with = + - @ would be a formula in a spreadsheet
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return out.getvalue()


def _node(skill: Skill) -> dict[str, str]:
    return {
        "title": skill.label,
        "identifier": skill.identifier or str(skill.public_id),
        "uri": skill.uri,
    }


def crosswalks_case(
    *, organisation: Organisation, rows: Iterable[SkillCrosswalk]
) -> dict[str, Any]:
    """Confirmed crosswalks as CASE 1.1 ``CFAssociations``."""
    base = str(settings.BASE_URL).rstrip("/")
    associations = []
    for row in rows:
        if row.state != CrosswalkState.CONFIRMED:
            continue
        stamp = row.decided_at or row.created_at
        associations.append(
            {
                "identifier": str(row.public_id),
                "uri": base
                + reverse("skills:crosswalks", kwargs={"slug": organisation.slug})
                + f"#{row.public_id}",
                "associationType": CASE_TYPES[CrosswalkRelation(row.relation)],
                "originNodeURI": _node(row.source),
                "destinationNodeURI": _node(row.target),
                "lastChangeDateTime": stamp.isoformat().replace("+00:00", "Z"),
            }
        )
    return {"CFAssociations": associations}
