from __future__ import annotations

from collections.abc import Callable

import pytest

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import AchievementVersion


@pytest.fixture
def publish(db) -> Callable[..., AchievementVersion]:
    """Create and publish an achievement in an organisation; returns its version."""

    def make(organisation, actor=None, name: str = "Forklift Operation") -> AchievementVersion:
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=actor,
            values={
                "name": name,
                "description": "Operates counterbalance and reach forklifts safely.",
                "criteria": "Passed the practical assessment.",
            },
        )
        return achievement_services.achievement_publish(achievement=achievement, actor=actor)

    return make
