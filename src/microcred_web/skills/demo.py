"""Demo skills for Northwind Logistics: a small framework (imported as a CASE package, so the
demo goes through the importer), its skills aligned to the demo achievements, two roles and the
warehouse team's roles, then the evidence of the credentials already issued.

Called by ``load_demo`` after the issuing demo; running it again changes nothing. The skill
URIs are the ones the demo achievements already name in their alignments.
"""

from __future__ import annotations

import json
from typing import Any

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.orgs.models import Membership, Organisation, Team
from microcred_web.skills import demo_public, demo_scales, evidence, importing, services
from microcred_web.skills.models import (
    Alignment,
    Framework,
    JobRole,
    PersonRole,
    Skill,
    SkillEvidence,
    SkillGroup,
    SkillVisibility,
)

ORG_SLUG = "northwind"
ADMIN_EMAIL = "admin@northwind.example"
FRAMEWORK = "Northwind Skills Framework"
DOCUMENT_ID = "6f1e2a40-0000-4000-8000-00000000f000"
BASE = "https://northwind.example/skills/"
STAMP = "2026-01-05T09:00:00+00:00"

#: (code, label, full statement, parent code, group)
ITEMS = (
    ("WH", "Warehouse operations", "Warehouse operations", "", ""),
    (
        "WH-FL-01",
        "Carry out forklift pre-use inspections",
        "Checks forks, chains, tyres, brakes and warning devices before use; records it.",
        "WH",
        "Safety",
    ),
    (
        "WH-FL-02",
        "Move and stack palletised loads safely",
        "Lifts, moves and stacks loads within rated capacity, among pedestrians and vehicles.",
        "WH",
        "Safety",
    ),
    (
        "WH-SC-01",
        "Perform stock control",
        "Keeps stock records accurate, runs cycle counts and resolves discrepancies.",
        "WH",
        "",
    ),
    (
        "DG-01",
        "Identify dangerous goods labels and placards",
        "Recognises the nine ADR classes and reacts correctly to a damaged package.",
        "WH",
        "Safety",
    ),
    ("TL", "Leadership", "Leadership", "", ""),
    (
        "TL-01",
        "Plan and allocate shift work",
        "Plans a shift against volume forecasts and allocates people and equipment.",
        "TL",
        "Leadership",
    ),
    (
        "TL-02",
        "Coach new team members",
        "Runs inductions and toolbox talks, and gives structured feedback.",
        "TL",
        "Leadership",
    ),
    ("CC", "Customer care", "Customer care", "", ""),
    (
        "CC-01",
        "Handle customer complaints",
        "Listens, confirms the need and resolves or escalates a complaint.",
        "CC",
        "",
    ),
    (
        "CC-02",
        "Write clear customer e-mails",
        "Writes short, accurate and friendly e-mails with a clear next step.",
        "CC",
        "",
    ),
)
GROUPS = {"Safety": 365, "Leadership": 1095}
#: achievement name → [(skill code, level)]
ALIGNMENTS = {
    "Forklift Safety Level 1": [("WH-FL-01", 3), ("WH-FL-02", 3)],
    "Dangerous Goods Awareness": [("DG-01", 2)],
    "Warehouse Team Lead": [("TL-01", 3), ("TL-02", 3)],
    "Customer Care Essentials": [("CC-01", 3), ("CC-02", 2)],
}
#: role → (description, [(skill code, level, weight)])
ROLES = {
    "Warehouse operative": (
        "Moves, stores and dispatches goods safely.",
        [("WH-FL-01", 3, 2), ("WH-FL-02", 3, 2), ("DG-01", 2, 1)],
    ),
    "Warehouse team lead": (
        "Leads a shift team: plans the work, keeps people safe, coaches new starters.",
        [("WH-FL-02", 3, 1), ("DG-01", 2, 1), ("WH-SC-01", 3, 1), ("TL-01", 3, 2), ("TL-02", 3, 2)],
    ),
}
WAREHOUSE_TEAM = "Warehouse Operations"
ASPIRING_LEADS = ("learner@northwind.example", "bjorn.andersson@northwind.example")


def _uri(kind: str, code: str) -> str:
    return BASE + code if kind == "item" else f"{BASE}{kind}/{code}"


def case_package() -> dict[str, Any]:
    """The demo framework as a CASE 1.1 package."""
    document_uri = BASE + "framework"
    ids = {code: f"6f1e2a40-0000-4000-8000-{n:012d}" for n, (code, *_r) in enumerate(ITEMS, 1)}
    items = [
        {
            "identifier": ids[code],
            "uri": _uri("item", code),
            "fullStatement": statement,
            "abbreviatedStatement": label,
            "humanCodingScheme": code,
            "CFItemType": "Competency" if parent else "Domain",
            "lastChangeDateTime": STAMP,
        }
        for code, label, statement, parent, _group in ITEMS
    ]
    links = []
    for n, (code, _label, _statement, parent, _group) in enumerate(ITEMS, 1):
        destination = (ids[parent], _uri("item", parent)) if parent else (DOCUMENT_ID, document_uri)
        links.append(
            {
                "identifier": f"6f1e2a40-0000-4000-8000-{n + 500:012d}",
                "uri": _uri("association", str(n)),
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": ids[code], "uri": _uri("item", code)},
                "destinationNodeURI": {"identifier": destination[0], "uri": destination[1]},
                "sequenceNumber": n,
                "lastChangeDateTime": STAMP,
            }
        )
    return {
        "CFDocument": {
            "identifier": DOCUMENT_ID,
            "uri": document_uri,
            "creator": "Northwind Logistics",
            "title": FRAMEWORK,
            "version": "1.0",
            "language": "en",
            "lastChangeDateTime": STAMP,
        },
        "CFItems": items,
        "CFAssociations": links,
    }


def _skills(organisation: Organisation) -> dict[str, Skill]:
    return {
        s.code: s
        for s in Skill.objects.filter(organisation=organisation, framework__name=FRAMEWORK)
    }


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if organisation is None or admin is None:
        return {"skills": 0}
    if not Framework.objects.filter(organisation=organisation, name=FRAMEWORK).exists():
        importing.framework_import_case(
            organisation=organisation, actor=admin, content=json.dumps(case_package())
        )
    skills = _skills(organisation)
    for name, days in GROUPS.items():
        if SkillGroup.objects.filter(organisation=organisation, name=name).exists():
            continue
        group = services.skill_group_save(
            organisation=organisation, actor=admin, name=name, half_life_days=days
        )
        codes = [code for code, *_r, group_name in ITEMS if group_name == name]
        services.skills_group_assign(
            organisation=organisation,
            actor=admin,
            group=group,
            skill_ids=[skills[c].pk for c in codes],
        )
    for name, rows in ALIGNMENTS.items():
        achievement = Achievement.objects.filter(organisation=organisation, name=name).first()
        if achievement is None or Alignment.objects.filter(achievement=achievement).exists():
            continue
        services.alignment_set(
            achievement=achievement,
            actor=admin,
            rows=[(skills[code].pk, level) for code, level in rows],
        )
    roles = {}
    for name, (description, requirements) in ROLES.items():
        role = JobRole.objects.filter(organisation=organisation, name=name).first()
        roles[name] = role or services.job_role_save(
            organisation=organisation,
            actor=admin,
            name=name,
            description=description,
            requirements=[(skills[c].pk, level, weight) for c, level, weight in requirements],
        )
    team = Team.objects.filter(organisation=organisation, name=WAREHOUSE_TEAM).first()
    members = list(team.members.select_related("user")) if team else []
    for membership in members:
        if PersonRole.objects.filter(organisation=organisation, user=membership.user).exists():
            continue
        wants_lead = membership.user.email in ASPIRING_LEADS
        services.person_role_set(
            organisation=organisation,
            actor=admin,
            user=membership.user,
            current=roles["Warehouse operative"],
            targets=[roles["Warehouse team lead"]] if wants_lead else [],
        )
    demo_scales.demo_scales_load(organisation=organisation, admin=admin)
    added = 0
    for membership in Membership.objects.filter(organisation=organisation, is_active=True):
        added += evidence.evidence_sync_person(organisation=organisation, user=membership.user)
    demo_public.demo_public_skills(organisation=organisation)  # before the team's defaults
    share_team_skills(organisation)
    return {"skills": len(skills), "skill_evidence_added": added}


def share_team_skills(organisation: Organisation) -> None:
    """The warehouse team shows its skills to its managers (once; later choices are kept)."""
    team = Team.objects.filter(organisation=organisation, name=WAREHOUSE_TEAM).first()
    for membership in team.members.select_related("user") if team else []:
        held = SkillEvidence.objects.filter(organisation=organisation, user=membership.user)
        for skill_id in set(held.values_list("skill_id", flat=True)):
            SkillVisibility.objects.get_or_create(
                organisation=organisation,
                user=membership.user,
                skill_id=skill_id,
                defaults={"visibility": "manager"},
            )
