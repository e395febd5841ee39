"""A held credential worth a set credit (how pathways count credit in one system)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from microcred.errors import InvalidInput
from microcred.rules import (
    CREDENTIAL_HELD,
    CredentialHeld,
    CreditTarget,
    Fact,
    evaluate,
    rule_from_json,
    rule_to_json,
    summarise,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_worth_replaces_the_facts_own_credits() -> None:
    rule = CreditTarget(
        5, (CredentialHeld("achievement:a", "A", 3), CredentialHeld("achievement:b", "B", 2))
    )
    only_a = [Fact(CREDENTIAL_HELD, "achievement:a", AT, credits=10)]
    assert not evaluate(rule, only_a).earned
    both = [*only_a, Fact(CREDENTIAL_HELD, "achievement:b", AT)]
    assert evaluate(rule, both).earned


def test_worth_round_trips_and_is_said() -> None:
    rule = CreditTarget(5, (CredentialHeld("achievement:a", "A", 3),))
    data = rule_to_json(rule)
    assert data["rule"]["children"][0]["worth"] == 3
    assert rule_from_json(data) == rule
    assert rule_to_json(CredentialHeld("achievement:a", "A"))["rule"] == {
        "type": "credential_held",
        "ref": "achievement:a",
        "label": "A",
    }
    assert summarise(rule) == "Complete 5 credits from: the credential ‘A’ (3 credits)"


def test_negative_worth_is_refused() -> None:
    data = rule_to_json(CredentialHeld("achievement:a", "A", 1))
    data["rule"]["worth"] = -1
    with pytest.raises(InvalidInput) as caught:
        rule_from_json(data)
    assert caught.value.problems[0].path == "$.rule.worth"
