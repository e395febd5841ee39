"""Award rules read in the visitor's language: a credential a rule names is labelled with its
achievement's translated name where the issuer wrote one (the rule keeps the name it was built
with, in the organisation's language)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable

from microcred.rules import Condition
from microcred.rules.conditions import CredentialHeld, Group, Leaf, Within
from microcred.rules.editing import children, with_children
from microcred_web.achievements.localised import translation_for
from microcred_web.achievements.models import Achievement

ACHIEVEMENT_REF = "achievement:"


def _refs(rule: Condition) -> Iterable[str]:
    if isinstance(rule, CredentialHeld) and rule.ref.startswith(ACHIEVEMENT_REF):
        yield rule.ref
    if isinstance(rule, Within) and not isinstance(rule.child, Group):
        yield from _refs(rule.child)
    for child in children(rule):
        yield from _refs(child)


def achievement_names(refs: Iterable[str]) -> dict[str, str]:
    """``{"achievement:<uuid>": translated name}`` for the achievements translated into the
    active language (the others are left out)."""
    ids = set()
    for ref in refs:
        try:
            ids.add(uuid.UUID(ref.removeprefix(ACHIEVEMENT_REF)))
        except ValueError:
            continue
    if not ids:
        return {}
    names = {}
    for achievement in Achievement.objects.filter(public_id__in=ids).only(
        "public_id", "language", "translations"
    ):
        name = translation_for(achievement.translations, written_in=achievement.language).get(
            "name"
        )
        if name:
            names[f"{ACHIEVEMENT_REF}{achievement.public_id}"] = name
    return names


def relabelled(rule: Condition, names: dict[str, str]) -> Condition:
    """``rule`` with each leaf whose ``ref`` is in ``names`` labelled with that name."""
    if isinstance(rule, Leaf):
        name = names.get(rule.ref)
        return dataclasses.replace(rule, label=name) if name else rule
    if isinstance(rule, Within) and not isinstance(rule.child, Group):  # a time limit on a leaf
        return Within(relabelled(rule.child, names), rule.days, rule.start, rule.end)
    kids = children(rule)
    if not kids:
        return rule
    return with_children(rule, tuple(relabelled(child, names) for child in kids))


def localised_rule(rule: Condition) -> Condition:
    """``rule`` with the achievements it names in the active language."""
    names = achievement_names(_refs(rule))
    return relabelled(rule, names) if names else rule


def achievement_name(achievement: Achievement) -> str:
    """``achievement``'s name in the active language (its own name without a translation)."""
    translated = translation_for(achievement.translations, written_in=achievement.language)
    return translated.get("name") or achievement.name
