"""Helpers for the pathway tests (a uniquely named module: conftest names collide)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput
from microcred_web.orgs.models import Organisation
from microcred_web.pathways import services
from microcred_web.pathways.models import Pathway


def make_achievement(org: Organisation, author: User, name: str, **values: Any) -> Achievement:
    achievement = achievement_services.achievement_create(
        organisation=org,
        actor=author,
        values={
            "name": name,
            "description": f"{name}, part of a pathway.",
            "criteria": "Complete the learning.",
            "achievement_type": "Badge",
            **values,
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=author)
    achievement.refresh_from_db()
    return achievement


@dataclass
class Lead:
    """The team-lead pathway: core (2 required), options (any 1 of 2), CPD (6 hours of 3
    achievements worth 4, 3 and 2), a milestone after core and options, and the goal."""

    org: Organisation
    admin: User
    pathway: Pathway
    parts: dict[str, Achievement]


def build_lead(org: Organisation, admin: User) -> Lead:
    cpd = {"credit_system": "CPD hours"}
    parts = {
        "forklift": make_achievement(org, admin, "Forklift", credits="4", **cpd),
        "lifting": make_achievement(org, admin, "Lifting", credits="2", **cpd),
        "first-aid": make_achievement(org, admin, "First aid"),
        "fire": make_achievement(org, admin, "Fire warden"),
        "coaching": make_achievement(org, admin, "Coaching", credits="4", **cpd),
        "rota": make_achievement(org, admin, "Rota planning", credits="3", **cpd),
        "stock": make_achievement(org, admin, "Stock control", credits="2", **cpd),
        "half": make_achievement(org, admin, "Team lead: foundations"),
        "goal": make_achievement(org, admin, "Warehouse Team Lead Certificate"),
    }
    pathway = services.pathway_create(
        organisation=org,
        actor=admin,
        name="Warehouse Team Lead",
        description="From the floor to leading a shift.",
        goal=parts["goal"],
    )
    services.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Core",
        kind="required",
        achievements=[parts["forklift"], parts["lifting"]],
    )
    services.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Options",
        kind="elective",
        achievements=[parts["first-aid"], parts["fire"]],
        n=1,
    )
    services.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Leading people",
        kind="credit",
        achievements=[parts["coaching"], parts["rota"], parts["stock"]],
        system="CPD hours",
        target=6,
        requires=["core"],
    )
    services.pathway_milestone_add(
        pathway=pathway,
        actor=admin,
        title="Foundations",
        achievement=parts["half"],
        after=["core", "options"],
    )
    return Lead(org, admin, pathway, parts)


def issue(org: Organisation, admin: User, achievement: Achievement, user: User) -> Credential:
    [credential] = issuing.credentials_issue(
        organisation=org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email=user.email, name="Lee")],
        actor=admin,
        source="ui",
    )
    return credential


def credentials_of(org: Organisation, achievement: Achievement, user: User) -> list[Credential]:
    return list(
        Credential.objects.filter(
            organisation=org, achievement_version__achievement=achievement, recipient_user=user
        )
    )
