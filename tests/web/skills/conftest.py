"""Fixtures for the skills tests: a CASE framework imported, an achievement aligned to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from skills_helpers import FORKLIFT_URI, STOCK_URI, VALUES, case_bytes

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.skills import importing, services
from microcred_web.skills.models import Skill


@dataclass
class SkillsWorld:
    world: object
    forklift: Skill
    stock: Skill
    achievement: Achievement


@pytest.fixture
def skills(world) -> SkillsWorld:
    admin = world.people["admin"]
    importing.framework_import_case(organisation=world.org, actor=admin, content=case_bytes())
    forklift = Skill.objects.get(organisation=world.org, uri=FORKLIFT_URI)
    stock = Skill.objects.get(organisation=world.org, uri=STOCK_URI)
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=admin, values=VALUES
    )
    achievement_services.achievement_publish(achievement=achievement, actor=admin)
    services.alignment_set(achievement=achievement, actor=admin, rows=[(forklift.pk, 3)])
    achievement.refresh_from_db()
    return SkillsWorld(world, forklift, stock, achievement)


@pytest.fixture
def issue_to(world, django_capture_on_commit_callbacks) -> Callable[..., Credential]:
    """Issue the achievement to a person (the on-commit evidence task runs)."""

    def issue(achievement: Achievement, user, **kwargs) -> Credential:
        with django_capture_on_commit_callbacks(execute=True):
            (credential,) = issuing.credentials_issue(
                organisation=achievement.organisation,
                achievement_version=achievement.current_version,
                recipients=[issuing.RecipientInput(email=user.email, name="Someone")],
                actor=world.people["issuer"],
                source="test",
                deliver=False,
                **kwargs,
            )
        return credential

    return issue
