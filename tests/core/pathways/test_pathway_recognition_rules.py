"""Recognition of external credentials: which imported credentials match a mapping and whether
they count now (pure logic, microcred.pathways.recognition)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from microcred.pathways import CREDIT, Item, Pathway, Step, goal_rule, pathway_progress
from microcred.pathways.recognition import (
    COUNTS,
    EXPIRED,
    NO_DATE,
    NOT_HOLDER,
    NOT_VERIFIED,
    REVOKED,
    TAMPERED,
    TOO_OLD,
    ExternalCredential,
    RecognitionRule,
    external_identity,
    matches,
    names_recipient,
    standing,
)
from microcred.rules import CREDENTIAL_HELD, CredentialHeld, CreditTarget, Fact, evaluate
from microcred.rules.serial import rule_from_json, rule_to_json

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
ISSUER = "did:web:redcross.example"
BADGE = "https://redcross.example/achievements/first-aid"
SKILL = "http://data.europa.eu/esco/skill/first-aid"


def credential(**changes: object) -> ExternalCredential:
    values: dict[str, object] = {
        "issuer_id": ISSUER,
        "achievement_id": BADGE,
        "skill_uris": (SKILL,),
        "label": "valid",
        "issued_on": NOW - timedelta(days=10),
        "expires_on": None,
    }
    values.update(changes)
    return ExternalCredential(**values)  # type: ignore[arg-type]


def test_matching_needs_both_ids_or_the_skill() -> None:
    assert matches(RecognitionRule(ISSUER, BADGE), credential())
    assert not matches(RecognitionRule("did:web:other.example", BADGE), credential())
    assert not matches(RecognitionRule(ISSUER, ""), credential())  # half a mapping matches none
    assert matches(RecognitionRule(skill_uri=SKILL), credential(issuer_id="did:web:any"))
    assert not matches(RecognitionRule(skill_uri=SKILL), credential(skill_uris=()))


@pytest.mark.parametrize(
    ("changes", "days", "verdict"),
    [
        ({}, None, COUNTS),
        ({"label": "revoked"}, None, REVOKED),
        ({"label": "tampered"}, None, TAMPERED),
        ({"label": "expired"}, None, EXPIRED),
        ({"label": "unknown_issuer"}, None, NOT_VERIFIED),
        ({"label": "status_unknown"}, None, NOT_VERIFIED),
        ({"expires_on": NOW}, None, EXPIRED),  # expired since it was imported
        ({"expires_on": NOW + timedelta(days=1)}, None, COUNTS),
        ({}, 11, COUNTS),
        ({}, 10, TOO_OLD),
        ({"issued_on": None}, 10, NO_DATE),
        ({"issued_on": None}, None, COUNTS),
    ],
)
def test_standing(changes: dict[str, object], days: int | None, verdict: str) -> None:
    rule = RecognitionRule(ISSUER, BADGE, valid_for_days=days)
    assert standing(rule, credential(**changes), NOW) == verdict


def test_external_identity_of_ob3_and_ob2() -> None:
    ob3 = {
        "issuer": {"id": ISSUER, "type": ["Profile"]},
        "credentialSubject": {
            "achievement": {
                "id": BADGE,
                "alignment": [{"targetUrl": SKILL}, {"targetUrl": SKILL}, {"targetName": "x"}],
            }
        },
    }
    assert external_identity(ob3) == (ISSUER, BADGE, (SKILL,))
    ob2 = {"badge": {"id": BADGE, "issuer": "https://redcross.example/issuer"}}
    assert external_identity(ob2) == ("https://redcross.example/issuer", BADGE, ())
    assert external_identity({"credentialSubject": []}) == ("", "", ())


def test_a_credential_naming_someone_else_does_not_count() -> None:
    rule = RecognitionRule(ISSUER, BADGE)
    assert standing(rule, credential(names_holder=False), NOW) == NOT_HOLDER
    # a revoked one says revoked first: the issuer's word comes before whose it is
    assert standing(rule, credential(names_holder=False, label="revoked"), NOW) == REVOKED


def _subject(**subject: object) -> dict[str, object]:
    return {"credentialSubject": subject}


def test_names_recipient() -> None:
    me = "Zoe@Example.org"
    salt = "pepper"
    digest = hashlib.sha256(("Zoe@Example.org" + salt).encode()).hexdigest()
    hashed = {"identityType": "emailAddress", "hashed": True, "salt": salt}
    assert names_recipient(
        _subject(identifier=[{**hashed, "identityHash": f"sha256${digest}"}]), [me]
    )
    assert not names_recipient(
        _subject(identifier=[{**hashed, "identityHash": f"sha256${'0' * 64}"}]), [me]
    )
    plain = {"identityType": "emailAddress", "hashed": False, "identityHash": "zoe@example.org"}
    assert names_recipient(_subject(identifier=[plain]), [me])
    assert names_recipient(_subject(id="mailto:zoe@example.org"), [me])
    assert not names_recipient(_subject(id="did:example:zoe"), [me])
    assert not names_recipient(_subject(id="mailto:someone@example.org"), [me])
    ob2 = {"recipient": {"type": "email", "hashed": False, "identity": "zoe@example.org"}}
    assert names_recipient(ob2, [me])
    assert not names_recipient({"recipient": {"type": "url", "identity": "zoe@example.org"}}, [me])


def _credit_pathway() -> Pathway:
    """A credit step: 6 ECTS from Coaching (4) and Rota (3)."""
    items = (
        Item("achievement:coaching", "Coaching", (("ECTS", 4.0),)),
        Item("achievement:rota", "Rota", (("ECTS", 3.0),)),
    )
    step = Step("lead", "Leading", CREDIT, items, 0, "ECTS", 6.0, ())
    return Pathway(Item("achievement:goal", "Goal"), (step,), ())


def test_a_recognised_credential_counts_its_own_credit_in_a_credit_step() -> None:
    pathway = _credit_pathway()
    rota = Fact(CREDENTIAL_HELD, "achievement:rota", NOW)
    # recognised as Coaching for 1 ECTS: 1 + 3 < 6, where the item's 4 would have made 7
    recognised = Fact(CREDENTIAL_HELD, "achievement:coaching", NOW, credits=1.0, worth=1.0)
    progress = pathway_progress(pathway, [rota, recognised])
    assert progress.steps[0].credit == 4.0 and progress.credits == (("ECTS", 4.0),)
    assert not evaluate(goal_rule(pathway), [rota, recognised]).earned
    assert not progress.completed
    # recognised for 3 ECTS: 3 + 3 = 6 reaches the target, in the map and in the rule alike
    generous = Fact(CREDENTIAL_HELD, "achievement:coaching", NOW, worth=3.0)
    assert evaluate(goal_rule(pathway), [rota, generous]).earned
    assert pathway_progress(pathway, [rota, generous]).completed
    # also holding the credential issued here: the best value counts, once (4 + 3, not 4 + 1 + 3)
    issued = Fact(CREDENTIAL_HELD, "achievement:coaching", NOW)
    both = pathway_progress(pathway, [rota, recognised, issued])
    assert both.steps[0].credit == 7.0 and both.completed


def test_a_fact_worth_leaves_rules_without_worth_unchanged() -> None:
    recognised = Fact(CREDENTIAL_HELD, "achievement:coaching", NOW, credits=1.0, worth=9.0)
    hand_written = CreditTarget(2.0, (CredentialHeld("achievement:coaching", "Coaching"),))
    assert not evaluate(hand_written, [recognised]).earned  # counts the fact's credits: 1
    assert rule_from_json(rule_to_json(hand_written)) == hand_written


def two_system_pathway() -> Pathway:
    """First aid counts in an ECTS step and a CPD step; Coaching is required on its own."""
    first_aid = Item("achievement:fa", "First aid", (("ECTS", 3.0), ("CPD hours", 3.0)))
    coaching = Item("achievement:co", "Coaching", (("ECTS", 2.0), ("CPD hours", 8.0)))
    return Pathway(
        Item("achievement:goal", "Goal"),
        (
            Step("ects", "Study", CREDIT, (first_aid, coaching), system="ECTS", target=5),
            Step("cpd", "Practice", CREDIT, (first_aid, coaching), system="CPD hours", target=10),
            Step("first", "First aid", "required", (first_aid,)),
        ),
    )


def test_a_recognition_states_its_credit_per_system() -> None:
    """Recognised for 5 ECTS or 10 CPD hours: each credit step counts its own system's value."""
    pathway = two_system_pathway()
    recognised = Fact(
        CREDENTIAL_HELD, "achievement:fa", NOW, worths=(("ECTS", 5.0), ("CPD hours", 10.0))
    )
    progress = pathway_progress(pathway, [recognised])
    assert [step.credit for step in progress.steps] == [5.0, 10.0, 0.0]
    assert dict(progress.credits) == {"CPD hours": 10.0, "ECTS": 5.0}
    assert progress.completed
    assert evaluate(goal_rule(pathway), [recognised]).earned
    # one value for every system (as before per-system values): 5 ECTS but only 5 CPD hours
    single = Fact(CREDENTIAL_HELD, "achievement:fa", NOW, worth=5.0)
    assert [s.credit for s in pathway_progress(pathway, [single]).steps] == [5.0, 5.0, 0.0]
    assert not evaluate(goal_rule(pathway), [single]).earned


def test_a_recognition_restricted_to_one_step_counts_only_there() -> None:
    pathway = two_system_pathway()
    only_cpd = Fact(
        CREDENTIAL_HELD, "achievement:fa", NOW, worth=10.0, scope="achievement:goal#cpd"
    )
    progress = pathway_progress(pathway, [only_cpd])
    assert [(s.state, s.credit) for s in progress.steps] == [
        ("available", 0.0),
        ("done", 10.0),
        ("available", 0.0),
    ]
    assert dict(progress.credits) == {"CPD hours": 10.0, "ECTS": 0.0}
    # not for a hand-written rule either (it has no scope), nor another pathway's step
    assert not evaluate(CredentialHeld("achievement:fa", "First aid"), [only_cpd]).earned
    other = Fact(CREDENTIAL_HELD, "achievement:fa", NOW, scope="achievement:other#cpd")
    assert pathway_progress(pathway, [other]).steps[1].state == "available"
    # the credential issued here still counts everywhere, at its own credit
    issued = Fact(CREDENTIAL_HELD, "achievement:fa", NOW)
    steps = pathway_progress(pathway, [only_cpd, issued]).steps
    assert [(s.state, s.credit) for s in steps] == [
        ("in_progress", 3.0),
        ("done", 10.0),
        ("done", 0.0),
    ]
