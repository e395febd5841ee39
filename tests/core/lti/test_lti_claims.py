"""The launch claim rules of the pure core (no Django, no network)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.lti.claims import (
    CLAIM_DEPLOYMENT_ID,
    CLAIM_MESSAGE_TYPE,
    CLAIM_RESOURCE_LINK,
    CLAIM_ROLES,
    CLAIM_VERSION,
    LaunchRefused,
    launch_check,
    organisation_roles,
)

NOW = 1_800_000_000
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": "https://lms.example",
        "aud": "tool",
        "sub": "u1",
        "iat": NOW - 5,
        "exp": NOW + 300,
        "nonce": "n1",
        CLAIM_DEPLOYMENT_ID: "d1",
        CLAIM_MESSAGE_TYPE: "LtiResourceLinkRequest",
        CLAIM_VERSION: "1.3.0",
        CLAIM_ROLES: [LEARNER],
        CLAIM_RESOURCE_LINK: {"id": "r1"},
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def check(document: dict[str, Any]) -> Any:
    return launch_check(
        document,
        issuer="https://lms.example",
        client_id="tool",
        deployment_ids=["d1"],
        nonce="n1",
        now=NOW,
    )


def test_a_good_launch_is_read() -> None:
    launch = check(claims())
    assert (launch.subject, launch.resource_link_id, launch.deployment_id) == ("u1", "r1", "d1")


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"iss": "https://other.example"}, "iss"),
        ({"aud": "other"}, "aud"),
        ({"aud": ["tool", "other"]}, "azp"),
        ({"azp": "other"}, "azp"),
        ({"exp": NOW - 120}, "exp"),
        ({"exp": None}, "exp"),
        ({"iat": NOW + 3600}, "iat"),
        ({"iat": NOW - 7200}, "iat"),
        ({"nonce": "n2"}, "nonce"),
        ({"sub": None}, "sub"),
        ({CLAIM_DEPLOYMENT_ID: "d2"}, CLAIM_DEPLOYMENT_ID),
        ({CLAIM_MESSAGE_TYPE: "Other"}, CLAIM_MESSAGE_TYPE),
        ({CLAIM_VERSION: "1.1"}, CLAIM_VERSION),
        ({CLAIM_ROLES: "Learner"}, CLAIM_ROLES),
        ({CLAIM_RESOURCE_LINK: {}}, CLAIM_RESOURCE_LINK),
    ],
)
def test_each_rule_refuses_and_names_its_claim(changes: dict[str, Any], claim: str) -> None:
    with pytest.raises(LaunchRefused) as refused:
        check(claims(**changes))
    assert refused.value.claim == claim


def test_several_audiences_with_our_azp_are_accepted() -> None:
    assert check(claims(aud=["tool", "other"], azp="tool")).subject == "u1"


def test_roles_map_teaching_to_authoring_and_everything_else_to_learning() -> None:
    assert organisation_roles([INSTRUCTOR]) == ["issuer", "assessor"]
    assert organisation_roles([LEARNER]) == ["learner"]
    assert organisation_roles([]) == ["learner"]
    assert organisation_roles(
        ["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"]
    ) == [
        "issuer",
        "assessor",
    ]
    assert "admin" not in organisation_roles([INSTRUCTOR, "Administrator"])
