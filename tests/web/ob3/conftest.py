from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import AchievementVersion
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oauth"))  # oauth_client


@pytest.fixture
def publish(world) -> Callable[..., AchievementVersion]:
    def make(organisation: Organisation, name: str = "Forklift safety") -> AchievementVersion:
        admin = (world.people if organisation == world.org else world.others)["admin"]
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=admin,
            values={
                "name": name,
                "description": f"{name}, practised and assessed.",
                "criteria": "Passed the practical assessment.",
                "achievement_type": "Badge",
                "tags": [],
                "alignments": [],
                "expiry_policy": "none",
            },
        )
        return achievement_services.achievement_publish(achievement=achievement, actor=admin)

    return make


@pytest.fixture
def award(world) -> Callable[..., Credential]:
    """Issue ``version`` to ``email`` (claimed into ``user``'s wallet when given)."""

    def make(version: AchievementVersion, email: str, user: User | None = None) -> Credential:
        organisation = version.achievement.organisation
        issuer = (world.people if organisation == world.org else world.others)["issuer"]
        (credential,) = issuing.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[issuing.RecipientInput(email=email, name="Lea Learner")],
            actor=issuer,
            source="ui",
            deliver=False,
        )
        if user is not None:
            issuing.credential_claim(credential=credential, user=user)
        credential.refresh_from_db()
        return credential

    return make
