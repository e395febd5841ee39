"""The skills a pathway builds: those its achievements (steps, milestones, goal) are aligned
to, read through the skills app's selectors (pathways sits above skills)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from microcred.pathways import Pathway as Definition
from microcred_web.orgs.models import Organisation
from microcred_web.skills.selectors import skills_aligned_to

REF_PREFIX = "achievement:"


@dataclass(frozen=True)
class SkillBuilt:
    label: str
    uri: str  # the skill's identity (ESCO concept, CASE item, or ours)
    href: str  # the URI when it is a web address, else the skill's public page


def skills_built(*, organisation: Organisation, definition: Definition) -> list[SkillBuilt]:
    refs = [item.ref for item in definition.items()]
    refs += [milestone.achievement.ref for milestone in definition.milestones]
    refs.append(definition.goal.ref)
    ids = {ref.removeprefix(REF_PREFIX) for ref in refs if ref.startswith(REF_PREFIX)}
    out = []
    for skill in skills_aligned_to(organisation=organisation, achievement_public_ids=ids):
        web = skill.uri.startswith(("https://", "http://"))
        href = skill.uri if web else reverse("skills:public", kwargs={"public_id": skill.public_id})
        out.append(SkillBuilt(skill.label, skill.uri, href))
    return out
