from __future__ import annotations

import pytest

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput

OPERATOR_PASSWORD = "operator-pass-long-1"


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_user(
        "ops@example.org", OPERATOR_PASSWORD, display_name="Olu Operator", is_operator=True
    )


@pytest.fixture
def issued(world) -> Credential:
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={"name": "Forklift safety", "description": "Drives safely.", "criteria": "Passed."},
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    [credential] = issuing_services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="learner@acme.example", name="Lee Learner")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    return credential
