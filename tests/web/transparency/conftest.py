"""A published achievement to issue, and a fresh tree cache for each test (ids are reused)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import AchievementVersion
from microcred_web.transparency.tree import log_trees_forget


@pytest.fixture
def version(world) -> AchievementVersion:
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Forklift safety",
            "description": "Operates a forklift safely.",
            "criteria": "Passed the practical assessment.",
        },
    )
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


@pytest.fixture(autouse=True)
def _fresh_trees() -> Iterator[None]:
    log_trees_forget()
    yield
    log_trees_forget()
