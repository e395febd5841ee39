"""A pathway read in the visitor's language: its achievements (goal, step items, milestones)
labelled with the issuer's translated names where there are some."""

from __future__ import annotations

from dataclasses import replace

from microcred.pathways.definition import Item
from microcred.pathways.definition import Pathway as Definition
from microcred_web.awards.localised_rules import achievement_names


def localised_definition(definition: Definition) -> Definition:
    """``definition`` with the names of its achievements in the active language."""
    refs = [definition.goal.ref, *(m.achievement.ref for m in definition.milestones)]
    refs += [item.ref for step in definition.steps for item in step.items]
    names = achievement_names(refs)
    if not names:
        return definition

    def named(item: Item) -> Item:
        return replace(item, label=names[item.ref]) if item.ref in names else item

    return replace(
        definition,
        goal=named(definition.goal),
        steps=tuple(
            replace(step, items=tuple(named(item) for item in step.items))
            for step in definition.steps
        ),
        milestones=tuple(
            replace(milestone, achievement=named(milestone.achievement))
            for milestone in definition.milestones
        ),
    )
