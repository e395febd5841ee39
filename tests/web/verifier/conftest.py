from __future__ import annotations

import pytest

from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput
from microcred_web.verifier import verification

VALUES = {
    "name": "Forklift safety",
    "description": "Operates a counterbalance forklift safely.",
    "criteria": "Passed the **practical** assessment.",
    "achievement_type": "Badge",
    "tags": ["safety"],
}


@pytest.fixture(autouse=True)
def _fresh_verifier(settings) -> None:
    """Each test starts with empty verification caches and a generous rate limit."""
    settings.MICROCRED_VERIFY_RATE = 1000.0
    settings.MICROCRED_VERIFY_BURST = 1000.0
    settings.MICROCRED_VERIFY_STATUS_TTL = 0.0
    verification.caches_clear()


@pytest.fixture
def issued(world) -> Credential:
    """One credential signed by the app's own services for Acme's learner."""
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=VALUES
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="learner@acme.example", name="Lee Learner")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    return credential
