"""Each enrolled learner's milestones and goal decided by the version they are pinned to.

An achievement has one award rule (the latest published version's, for everyone); for a
learner enrolled in a pathway, the milestone and goal achievements of *their* version are
decided by that version's compiled rules instead (registered with
``awards.services.personal_rules_register``; docs/decisions/0025).
"""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from typing import Any

from microcred.pathways import compiled_rules, definition_from_json
from microcred.rules import AnyOf, CompiledRule, Condition
from microcred_web.achievements.models import Achievement
from microcred_web.awards.services import stacked_achievements
from microcred_web.orgs.models import Organisation
from microcred_web.pathways.models import Enrolment, Pathway, PathwayVersion, VersionStatus

REF_PREFIX = "achievement:"


@lru_cache(maxsize=512)
def _compiled(definition_text: str) -> dict[str, Condition]:
    return compiled_rules(definition_from_json(json.loads(definition_text)))


def rules_of(definition_json: Any) -> dict[str, Condition]:
    """Achievement ref → rule of a version's definition, compiled once per distinct
    definition."""
    return _compiled(json.dumps(definition_json, sort_keys=True))


def _versions_rules(version_ids: set[int]) -> dict[int, dict[str, Condition]]:
    rows = PathwayVersion.objects.filter(pk__in=version_ids).values_list("pk", "definition_json")
    return {pk: rules_of(data) for pk, data in rows}


def _public_id(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref.removeprefix(REF_PREFIX))
    except ValueError:
        return None


def pinned_rules(
    organisation: Organisation, user_ids: list[int]
) -> dict[int, dict[int, CompiledRule]]:
    """User id → {achievement id → the rule of their pinned version(s)}. A learner pinned to
    two versions that both issue one achievement earns it when either rule is met."""
    rows = list(
        Enrolment.objects.filter(
            organisation=organisation,
            user_id__in=user_ids,
            version__status=VersionStatus.PUBLISHED,
        ).values_list("user_id", "version_id")
    )
    if not rows:
        return {}
    by_version = _versions_rules({version_id for _, version_id in rows})
    refs = {ref for rules in by_version.values() for ref in rules}
    ids = {public_id for ref in refs if (public_id := _public_id(ref)) is not None}
    achievement_ids = {
        f"{REF_PREFIX}{public_id}": pk
        for pk, public_id in Achievement.objects.filter(
            organisation=organisation, public_id__in=ids
        ).values_list("pk", "public_id")
    }
    wanted: dict[int, dict[int, list[Condition]]] = {}
    for user_id, version_id in rows:
        for ref, rule in by_version[version_id].items():
            if ref in achievement_ids:
                found = wanted.setdefault(user_id, {}).setdefault(achievement_ids[ref], [])
                if rule not in found:
                    found.append(rule)
    return {
        user_id: {
            pk: CompiledRule(rules[0] if len(rules) == 1 else AnyOf(tuple(rules)))
            for pk, rules in per_user.items()
        }
        for user_id, per_user in wanted.items()
    }


def stacks_on_every_version(pathway: Pathway, achievement_ref: str) -> str:
    """The achievements ``achievement_ref`` stacks on in any published version of ``pathway``
    (so a credential that counts only for a learner on an older version still triggers an
    evaluation), as the award rule's space-separated ``stacks_on``."""
    public_ids: set[str] = set()
    published = pathway.versions.filter(status=VersionStatus.PUBLISHED)
    for data in published.values_list("definition_json", flat=True):
        rule = rules_of(data).get(achievement_ref)
        public_ids.update(stacked_achievements(rule))
    return " ".join(sorted(public_ids))
