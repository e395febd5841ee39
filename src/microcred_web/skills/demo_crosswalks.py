"""Demo crosswalks for Northwind (decision 0028): a few of its own skills, written in its own
words, matched to its CASE framework — three confirmed (two exact, one related) and the rest
proposed by a lexical run for the administrator to review. The exact match of the forklift
inspection skill makes the warehouse team's credentials count for the own skill too.

Runs once: when Northwind has any crosswalk already, nothing is added (loading twice changes
nothing, and an administrator's later decisions are kept).
"""

from __future__ import annotations

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Organisation
from microcred_web.skills import crosswalks, evidence, services
from microcred_web.skills.demo import ADMIN_EMAIL, FRAMEWORK, ORG_SLUG, share_team_skills
from microcred_web.skills.models import Framework, FrameworkSource, Skill, SkillCrosswalk

#: own skills: (label, description)
OWN_SKILLS = (
    ("Forklift pre-use check", "Inspect forks, chains, tyres and brakes before driving."),
    ("Stock counting", "Cycle counts and accurate stock records."),
    ("Complaint handling", "Resolve or escalate a customer complaint."),
    ("Shift planning", "Plan a shift and allocate people and equipment."),
    ("Customer e-mails", "Write clear e-mails to customers."),
)
#: (CASE item code, own skill label, relation) confirmed by the administrator
CONFIRMED = (
    ("WH-FL-01", "Forklift pre-use check", "exact"),
    ("CC-01", "Complaint handling", "exact"),
    ("TL-01", "Shift planning", "related"),
)


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    case = Framework.objects.filter(organisation=organisation, name=FRAMEWORK).first()
    if organisation is None or admin is None or case is None:
        return {"crosswalks": 0}
    if SkillCrosswalk.objects.filter(organisation=organisation).exists():
        return {"crosswalks": SkillCrosswalk.objects.filter(organisation=organisation).count()}
    own = {
        s.label: s
        for s in Skill.objects.filter(
            organisation=organisation, framework__source=FrameworkSource.OWN
        )
    }
    for label, description in OWN_SKILLS:
        if label not in own:
            own[label] = services.skill_create(
                organisation=organisation, actor=admin, label=label, description=description
            )
    items = {s.code: s for s in Skill.objects.filter(framework=case)}
    for code, label, relation in CONFIRMED:
        crosswalks.crosswalk_add(
            organisation=organisation,
            actor=admin,
            source_skill_id=items[code].pk,
            target_skill_id=own[label].pk,
            relation=relation,
        )
    crosswalks.crosswalks_propose(
        organisation=organisation,
        actor=admin,
        source_framework_id=case.pk,
        target_framework_id=own[OWN_SKILLS[0][0]].framework_id,
        backend="lexical",
    )
    evidence.evidence_sync_organisation(organisation=organisation)
    share_team_skills(organisation)
    return {"crosswalks": SkillCrosswalk.objects.filter(organisation=organisation).count()}
