"""Related roles from shared essential skills (issue 17 item 7: "related occupations from
ESCO seed the graph where no admin has").

No registry package ships ESCO's related-occupation relation, so relatedness is derived from
what the occupation→skill relations give: two roles are related when they share essential
skills. The score is the Jaccard index of their essential-skill sets (shared ÷ either); each
role keeps its ``top_k`` best partners scoring at least ``threshold`` and sharing at least
``min_shared`` skills. The relation is symmetric; a suggestion is directed (from a role, to a
related one), so a pair appears once from each side when each is in the other's top k.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RelatedRole:
    source: str
    target: str
    shared: int  # essential skills both require
    score: float  # Jaccard index, 0 < score ≤ 1


def related_roles(
    essentials: Mapping[str, Collection[str]],
    *,
    top_k: int = 3,
    threshold: float = 0.2,
    min_shared: int = 3,
) -> list[RelatedRole]:
    """For each role (key → its essential skills), its best related roles: best first within
    a source, ties by the larger overlap then the target key; sources in key order. Counts
    overlaps through an index skill → roles, so unrelated pairs cost nothing."""
    sets = {role: frozenset(skills) for role, skills in essentials.items() if skills}
    holders: dict[str, list[str]] = {}
    for role in sorted(sets):
        for skill in sets[role]:
            holders.setdefault(skill, []).append(role)
    out: list[RelatedRole] = []
    for role in sorted(sets):
        overlap: dict[str, int] = {}
        for skill in sets[role]:
            for other in holders[skill]:
                if other != role:
                    overlap[other] = overlap.get(other, 0) + 1
        candidates = []
        for other, shared in overlap.items():
            score = shared / (len(sets[role]) + len(sets[other]) - shared)
            if shared >= min_shared and score >= threshold:
                candidates.append(RelatedRole(role, other, shared, round(score, 4)))
        candidates.sort(key=lambda r: (-r.score, -r.shared, r.target))
        out.extend(candidates[:top_k])
    return out


__all__ = ["RelatedRole", "related_roles"]
