from __future__ import annotations

import pytest

from microcred_web.achievements import services as achievement_services
from microcred_web.assessments import definitions
from microcred_web.assessments.models import Requirement


@pytest.fixture
def achievement(world):
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Safe lifting",
            "description": "Lifts loads safely.",
            "criteria": "Assessed portfolio.",
            "expiry_policy": "months",
            "expiry_months": 12,
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=world.people["admin"])
    return achievement


def _rubric(requirement: Requirement, admin) -> None:
    for title in ("Plans the lift", "Uses the equipment"):
        definitions.criterion_add(
            requirement=requirement,
            actor=admin,
            title=title,
            levels=[("Not yet", "Unsafe", 0), ("Competent", "Safe", 2), ("Expert", "Coaches", 3)],
        )


@pytest.fixture
def portfolio(world, achievement) -> Requirement:
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=achievement,
        kind="portfolio",
        title="Lifting portfolio",
    )
    _rubric(requirement, world.people["admin"])
    return requirement


@pytest.fixture
def rpl(world, achievement) -> Requirement:
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=achievement,
        kind="rpl",
        title="Prior learning",
    )
    _rubric(requirement, world.people["admin"])
    return requirement


@pytest.fixture
def observation_req(world, achievement) -> Requirement:
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=achievement,
        kind="observation",
        purpose="recertification",
        title="Refresher observation",
        reminder_offsets="60, 30, 7",
    )
    for item in ("Checks the load", "Lifts with straight back"):
        definitions.criterion_add(requirement=requirement, actor=world.people["admin"], title=item)
    return requirement
