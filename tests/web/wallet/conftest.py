from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import AchievementVersion
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential

VALUES = {
    "name": "Forklift safety",
    "description": "Operates a counterbalance forklift safely.",
    "criteria": "Passed the **practical** assessment.<script>alert(1)</script>",
    "achievement_type": "Badge",
    "tags": ["safety"],
    "alignments": [
        {
            "framework": "ESCO",
            "code": "S1.2",
            "name": "operate forklift",
            "url": "https://esco.example/skill/1",
        }
    ],
    "expiry_policy": "months",
    "expiry_months": 24,
}


@pytest.fixture
def version(world) -> AchievementVersion:
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=VALUES
    )
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


@pytest.fixture
def issue(world, version) -> Callable[..., Credential]:
    """Issue a credential to the world's learner and claim it into their wallet."""

    def make(*, claim: bool = True, evidence: int = 2, **kwargs) -> Credential:
        learner = world.people["learner"]
        (credential,) = issuing.credentials_issue(
            organisation=world.org,
            achievement_version=version,
            recipients=[
                issuing.RecipientInput(
                    email=learner.email,
                    name="Lea Learner",
                    evidence=[
                        {"id": f"https://evidence.example/{i}", "narrative": f"Evidence {i}"}
                        for i in range(evidence)
                    ],
                )
            ],
            actor=world.people["issuer"],
            source="ui",
            deliver=False,
            **kwargs,
        )
        if claim:
            issuing.credential_claim(credential=credential, user=learner)
        credential.refresh_from_db()
        return credential

    return make


@pytest.fixture
def credential(issue) -> Credential:
    return issue()


@pytest.fixture
def expired(issue) -> Credential:
    return issue(now=timezone.now() - timedelta(days=365 * 3))
