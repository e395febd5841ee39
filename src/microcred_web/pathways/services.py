"""Writes for pathways: create, edit the draft, publish (compile to award rules), enrol.

Publishing compiles the definition (``microcred.pathways.compiled_rules``) into the award rules
of the milestone and goal achievements and turns them on, so the existing awards machinery
issues each of them automatically and exactly once per person (docs/decisions/0025).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.errors import InvalidInput
from microcred.pathways import (
    CREDIT,
    ELECTIVE,
    STEP_KINDS,
    Item,
    Milestone,
    Step,
    compiled_rules,
    definition_from_json,
    definition_to_json,
    pathway_summary,
    problems,
)
from microcred.pathways import Pathway as Definition
from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.achievements.models import Achievement
from microcred_web.awards import services as award_services
from microcred_web.awards.models import AwardRule
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.pathways.models import Enrolment, Pathway, PathwayVersion, VersionStatus
from microcred_web.pathways.pinned import stacks_on_every_version

REF_PREFIX = "achievement:"
MAX_NAME = 200


def achievement_item(achievement: Achievement) -> Item:
    """``achievement`` as a pathway item, with its credit per system."""
    credits = achievement_selectors.achievement_credits(achievement)
    return Item(
        f"{REF_PREFIX}{achievement.public_id}", achievement.name, tuple(sorted(credits.items()))
    )


def _achievements_by_ref(organisation: Organisation, refs: set[str]) -> dict[str, Achievement]:
    """The organisation's achievements named by ``refs`` (other refs are left out)."""
    ids = set()
    for ref in refs:
        try:
            ids.add(uuid.UUID(ref.removeprefix(REF_PREFIX)))
        except ValueError:
            continue
    queryset = achievement_selectors.achievement_list(organisation=organisation)
    return {
        f"{REF_PREFIX}{achievement.public_id}": achievement
        for achievement in queryset.filter(public_id__in=ids)
    }


def _refs(definition: Definition) -> set[str]:
    refs = {definition.goal.ref} | {m.achievement.ref for m in definition.milestones}
    return refs | {item.ref for step in definition.steps for item in step.items}


def definition_refreshed(*, organisation: Organisation, definition: Definition) -> Definition:
    """``definition`` with every achievement's name and credit read again from the
    organisation's achievements; an achievement of another organisation is refused."""
    known = _achievements_by_ref(organisation, _refs(definition))
    for ref in sorted(_refs(definition)):
        if ref not in known:
            raise ApplicationError(
                "unknown_achievement",
                _("%(ref)s is not an achievement of this organisation.") % {"ref": ref},
                "definition",
            )

    def fresh(item: Item) -> Item:
        return achievement_item(known[item.ref])

    return Definition(
        fresh(definition.goal),
        tuple(
            replace(step, items=tuple(fresh(i) for i in step.items)) for step in definition.steps
        ),
        tuple(replace(m, achievement=fresh(m.achievement)) for m in definition.milestones),
    )


# ----------------------------------------------------------------------------- create, draft


def pathway_create(
    *, organisation: Organisation, actor: Any, name: str, description: str, goal: Achievement
) -> Pathway:
    """A new pathway with an empty draft (version 1) whose goal is ``goal``."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ApplicationError("name", _("Give the pathway a name."), "name")
    if goal.organisation_id != organisation.pk:
        raise ApplicationError("wrong_organisation", _("Choose one of your achievements."), "goal")
    with transaction.atomic():
        pathway = Pathway.objects.create(
            organisation=organisation,
            name=name,
            description=(description or "").strip(),
            goal=goal,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        empty = Definition(achievement_item(goal), ())
        PathwayVersion.objects.create(
            pathway=pathway, number=1, definition_json=definition_to_json(empty)
        )
        audit_record(
            action="pathways.created",
            actor=actor,
            organisation=organisation,
            target=pathway,
            data={"name": name, "goal": goal.name},
        )
    return pathway


def pathway_draft(*, pathway: Pathway) -> PathwayVersion:
    """The draft version, made from the latest version when there is none."""
    latest = pathway.versions.order_by("-number").first()
    if latest is not None and latest.status == VersionStatus.DRAFT:
        return latest
    number = (pathway.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    data = latest.definition_json if latest is not None else None
    if data is None:
        data = definition_to_json(Definition(achievement_item(pathway.goal), ()))
    return PathwayVersion.objects.create(pathway=pathway, number=number, definition_json=data)


def pathway_draft_save(*, pathway: Pathway, actor: Any, definition: Definition) -> PathwayVersion:
    """Store ``definition`` as the draft (names and credit refreshed). A draft may have
    problems (shown in the editor); only publishing refuses them."""
    definition = definition_refreshed(organisation=pathway.organisation, definition=definition)
    if definition.goal.ref != f"{REF_PREFIX}{pathway.goal.public_id}":
        raise ApplicationError("goal", _("The goal of a pathway cannot change."), "definition")
    with transaction.atomic():
        draft = pathway_draft(pathway=pathway)
        draft.definition_json = definition_to_json(definition)
        draft.save(update_fields=["definition_json"])
        audit_record(
            action="pathways.draft_changed",
            actor=actor,
            organisation=pathway.organisation,
            target=pathway,
            data={"version": draft.number, "summary": pathway_summary(definition)},
        )
    return draft


def pathway_definition_replace(*, pathway: Pathway, actor: Any, data: Any) -> PathwayVersion:
    """Replace the draft with definition JSON (the editor's advanced mode)."""
    try:
        definition = definition_from_json(data)
    except InvalidInput as error:
        raise ApplicationError("invalid_definition", str(error), "definition") from error
    return pathway_draft_save(pathway=pathway, actor=actor, definition=definition)


def _current(pathway: Pathway) -> Definition:
    return pathway_draft(pathway=pathway).definition


def _new_id(title: str, taken: set[str]) -> str:
    base = slugify(title)[:30].strip("-_") or "step"
    if not base[0].isalnum():
        base = f"s{base}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _taken(definition: Definition) -> set[str]:
    return {s.id for s in definition.steps} | {m.id for m in definition.milestones}


def _own(pathway: Pathway, achievements: Sequence[Achievement]) -> list[Achievement]:
    for achievement in achievements:
        if achievement.organisation_id != pathway.organisation_id:
            raise ApplicationError(
                "wrong_organisation", _("Choose achievements of this organisation."), "items"
            )
    return list(achievements)


def pathway_step_add(
    *,
    pathway: Pathway,
    actor: Any,
    title: str,
    kind: str,
    achievements: Sequence[Achievement],
    n: int = 0,
    system: str = "",
    target: float = 0.0,
    requires: Sequence[str] = (),
) -> PathwayVersion:
    """Add a step at the end of the draft."""
    title = (title or "").strip()
    if not title:
        raise ApplicationError("title", _("Give the step a title."), "title")
    if kind not in STEP_KINDS:
        raise ApplicationError("kind", _("Choose what the step asks for."), "kind")
    if not achievements:
        raise ApplicationError("items", _("Choose at least one achievement."), "items")
    if kind == ELECTIVE and n < 1:
        raise ApplicationError("n", _("Say how many of these are needed."), "n")
    if kind == CREDIT and (not system.strip() or target <= 0):
        raise ApplicationError("target", _("Give a credit system and a target above 0."), "target")
    definition = _current(pathway)
    known = {s.id for s in definition.steps}
    step = Step(
        _new_id(title, _taken(definition)),
        title,
        kind,
        tuple(achievement_item(a) for a in _own(pathway, achievements)),
        n if kind == ELECTIVE else 0,
        system.strip() if kind == CREDIT else "",
        float(target) if kind == CREDIT else 0.0,
        tuple(r for r in requires if r in known),
    )
    changed = replace(definition, steps=(*definition.steps, step))
    return pathway_draft_save(pathway=pathway, actor=actor, definition=changed)


def pathway_step_remove(*, pathway: Pathway, actor: Any, step_id: str) -> PathwayVersion:
    """Remove a step (and every mention of it in other steps' prerequisites)."""
    definition = _current(pathway)
    steps = tuple(
        replace(s, requires=tuple(r for r in s.requires if r != step_id))
        for s in definition.steps
        if s.id != step_id
    )
    milestones = tuple(
        replace(m, after=tuple(a for a in m.after if a != step_id)) for m in definition.milestones
    )
    changed = replace(definition, steps=steps, milestones=milestones)
    return pathway_draft_save(pathway=pathway, actor=actor, definition=changed)


def pathway_step_move(*, pathway: Pathway, actor: Any, step_id: str, offset: int) -> PathwayVersion:
    """Move a step up (``offset`` -1) or down (+1) in the list."""
    definition = _current(pathway)
    steps = list(definition.steps)
    position = next((i for i, s in enumerate(steps) if s.id == step_id), None)
    if position is None:
        raise ApplicationError("step", _("No such step."), "step")
    target = min(max(position + offset, 0), len(steps) - 1)
    steps.insert(target, steps.pop(position))
    changed = replace(definition, steps=tuple(steps))
    return pathway_draft_save(pathway=pathway, actor=actor, definition=changed)


def pathway_milestone_add(
    *, pathway: Pathway, actor: Any, title: str, achievement: Achievement, after: Sequence[str]
) -> PathwayVersion:
    """Add a milestone: ``achievement`` is issued once every step in ``after`` is done."""
    title = (title or "").strip() or achievement.name
    if not after:
        raise ApplicationError("after", _("Choose the steps the milestone follows."), "after")
    definition = _current(pathway)
    [own] = _own(pathway, [achievement])
    milestone = Milestone(
        _new_id(title, _taken(definition)), title, achievement_item(own), tuple(after)
    )
    changed = replace(definition, milestones=(*definition.milestones, milestone))
    return pathway_draft_save(pathway=pathway, actor=actor, definition=changed)


def pathway_milestone_remove(*, pathway: Pathway, actor: Any, milestone_id: str) -> PathwayVersion:
    definition = _current(pathway)
    milestones = tuple(m for m in definition.milestones if m.id != milestone_id)
    changed = replace(definition, milestones=milestones)
    return pathway_draft_save(pathway=pathway, actor=actor, definition=changed)


# ----------------------------------------------------------------------------- publish, enrol


def pathway_publish(*, pathway: Pathway, actor: Any) -> PathwayVersion:
    """Publish the draft: refuse it with every problem's reason, else compile it into the award
    rules of its milestones and goal (turned on) and make it the version new learners get."""
    organisation = pathway.organisation
    with transaction.atomic():
        draft = pathway.versions.order_by("-number").first()
        if draft is None or draft.status != VersionStatus.DRAFT:
            raise ApplicationError(
                "nothing_to_publish", _("There is no draft to publish."), "definition"
            )
        definition = definition_refreshed(organisation=organisation, definition=draft.definition)
        found = problems(definition)
        if found:
            raise ApplicationError(
                "pathway_invalid", "; ".join(p.message for p in found), "definition"
            )
        rules = compiled_rules(definition)
        achievements = _achievements_by_ref(organisation, set(rules))
        for ref, rule in rules.items():
            achievement = achievements[ref]
            if achievement.current_version_id is None:
                raise ApplicationError(
                    "not_published",
                    _("Publish the achievement “%(name)s” first: the pathway issues it.")
                    % {"name": achievement.name},
                    "definition",
                )
            award_services.award_rule_save(
                organisation=organisation,
                achievement=achievement,
                rule=rule,
                actor=actor,
                enabled=True,
            )
        draft.definition_json = definition_to_json(definition)
        draft.status = VersionStatus.PUBLISHED
        draft.published_at = timezone.now()
        draft.published_by = actor if getattr(actor, "pk", None) else None
        draft.save()
        pathway.published_version = draft
        pathway.save(update_fields=["published_version"])
        for ref in rules:  # learners pinned to older versions stack on their items too
            AwardRule.objects.filter(achievement=achievements[ref]).update(
                stacks_on=stacks_on_every_version(pathway, ref)
            )
        audit_record(
            action="pathways.published",
            actor=actor,
            organisation=organisation,
            target=pathway,
            data={"version": draft.number, "summary": pathway_summary(definition)},
        )
    return draft


def pathway_enrol(*, pathway: Pathway, user: Any) -> Enrolment:
    """Enrol an active member in the published version (again: their enrolment unchanged)."""
    organisation = pathway.organisation
    if not Membership.objects.filter(organisation=organisation, user=user, is_active=True).exists():
        raise ApplicationError("not_member", _("Only members can enrol."), status=404)
    if pathway.published_version_id is None:
        raise ApplicationError("not_published", _("This pathway is not open yet."), status=404)
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                pathway=pathway,
                user=user,
                defaults={
                    "organisation": organisation,
                    "version_id": pathway.published_version_id,
                },
            )
            if created:
                audit_record(
                    action="pathways.enrolled",
                    actor=user,
                    organisation=organisation,
                    target=pathway,
                    data={"name": pathway.name, "version": enrolment.version.number},
                )
    except IntegrityError:  # a concurrent request enrolled them first
        enrolment = Enrolment.objects.get(pathway=pathway, user=user)
    return enrolment
