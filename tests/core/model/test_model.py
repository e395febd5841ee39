from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import InvalidCredential, LimitExceeded
from microcred.model import (
    OB_V3P0,
    VC_V2,
    Achievement,
    AchievementCredential,
    ClrCredential,
    Criteria,
    EndorsementCredential,
    LangText,
    Profile,
    build_credential,
    hashed_email_identity,
    parse_credential,
)
from microcred.model.eu_elements import eu_elements
from microcred.schema import validate_document

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


def _simple() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    return data


def _achievement(**extra: Any) -> Achievement:
    return Achievement(
        id="https://example.com/achievements/1",
        name=LangText("Forklift safety"),
        description=LangText("Operates a forklift safely."),
        criteria=Criteria(narrative=LangText("Pass the practical test.")),
        **extra,
    )


ISSUER = Profile(id="https://example.com/issuers/1", name=LangText("Example Corp"))


def test_every_problem_is_listed_with_its_path() -> None:
    document = _simple()
    del document["credentialSubject"]["achievement"]["criteria"]
    document["validFrom"] = "2024-13-01T00:00:00Z"
    document["issuer"]["id"] = "not a uri"
    document["type"] = ["VerifiableCredential", "Nope"]
    with pytest.raises(InvalidCredential) as caught:
        AchievementCredential.from_json(document)
    paths = {p.path for p in caught.value.problems}
    assert paths == {
        "$.credentialSubject.achievement.criteria",
        "$.validFrom",
        "$.issuer.id",
        "$.type",
    }


def test_round_trip_of_a_fixture_keeps_everything_and_makes_proof_an_array() -> None:
    document = _simple()
    document["proof"] = document["proof"][0]
    emitted = AchievementCredential.from_json(document).to_json()
    assert next(iter(emitted)) == "@context"
    assert isinstance(emitted["proof"], list)
    assert (
        emitted["credentialSubject"]["achievement"]["criteria"]
        == (document["credentialSubject"]["achievement"]["criteria"])
    )
    assert validate_document(emitted).ok


def test_lang_text_emits_the_form_it_was_given() -> None:
    document = _simple()
    achievement = document["credentialSubject"]["achievement"]
    achievement["name"] = {"en": "Teamwork", "fr": "Travail d'équipe"}
    parsed = AchievementCredential.from_json(document)
    name = parsed.credential_subject.achievement.name
    assert name.text("fr") == "Travail d'équipe" and name.text() == "Teamwork"
    assert parsed.to_json()["credentialSubject"]["achievement"]["name"] == achievement["name"]
    achievement["name"] = {"english": 3}
    with pytest.raises(InvalidCredential):
        AchievementCredential.from_json(document)


def test_hashed_email_identity() -> None:
    identity = hashed_email_identity("ada@example.com", "s4lt")
    digest = hashlib.sha256(b"ada@example.coms4lt").hexdigest()
    assert identity.identity_hash == f"sha256${digest}"
    assert identity.hashed and identity.identity_type == "emailAddress"
    assert identity.matches_email("ada@example.com")
    assert not identity.matches_email("eve@example.com")


def test_build_credential_writes_eu_fields_with_published_terms() -> None:
    achievement = _achievement(credit_ects=2.5, eqf_level=5, learning_outcome={"en": ["Lift"]})
    built = build_credential(
        id="urn:uuid:2f3a7c1e-0000-4000-8000-000000000001",
        issuer=ISSUER,
        achievement=achievement,
        subject=hashed_email_identity("ada@example.com", "x"),
        valid_from="2025-01-01T00:00:00Z",
    )
    assert built["@context"] == [VC_V2, OB_V3P0]  # no EU_MICROCREDENTIAL (decision 0022)
    assert built["name"] == "Forklift safety"
    written = built["credentialSubject"]["achievement"]
    assert not {"learningOutcome", "eqfLevel", "creditECTS"} & set(written)
    assert [(e.element, e.values) for e in eu_elements(written)] == [
        ("learningOutcome", ("Lift",)),
        ("creditECTS", ("2.5",)),
        ("eqfLevel", ("5",)),
    ]
    assert validate_document(built).ok
    # the model still reads the former extension terms (credentials issued before)
    old = dict(written, eqfLevel=5)
    assert Achievement.from_json(old).eqf_level == 5
    plain = build_credential(
        id="urn:uuid:2f3a7c1e-0000-4000-8000-000000000002",
        issuer=ISSUER,
        achievement=_achievement(),
        subject="did:example:learner",
        valid_from="2025-01-01T00:00:00Z",
    )
    assert plain["@context"] == [VC_V2, OB_V3P0]


def test_build_credential_refuses_a_language_map_where_the_schema_wants_text() -> None:
    achievement = _achievement()
    mapped = Achievement(
        id=achievement.id,
        name=LangText({"en": "Forklift", "de": "Stapler"}),
        description=achievement.description,
        criteria=achievement.criteria,
    )
    with pytest.raises(InvalidCredential) as caught:
        build_credential(
            id="urn:uuid:x",
            issuer=ISSUER,
            achievement=mapped,
            subject="did:example:learner",
            valid_from="2025-01-01T00:00:00Z",
        )
    assert "$.credentialSubject.achievement.name" in {p.path for p in caught.value.problems}


def test_build_credential_refuses_bad_values() -> None:
    with pytest.raises(InvalidCredential) as caught:
        build_credential(
            id="urn:uuid:x",
            issuer=ISSUER,
            achievement=_achievement(eqf_level=9),
            subject="did:example:learner",
            valid_from="yesterday",
        )
    paths = {p.path for p in caught.value.problems}
    assert paths == {"$.validFrom", "$.credentialSubject.achievement.eqfLevel"}


def test_dispatch_by_type() -> None:
    endorsement = json.loads((OB30 / "endorsement-valid.json").read_text(encoding="utf-8"))
    assert isinstance(parse_credential(endorsement), EndorsementCredential)
    simple = _simple()
    clr = {
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB_V3P0],
        "id": "urn:uuid:clr-1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": "https://example.com/issuers/1",
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": [simple]},
    }
    parsed = parse_credential(clr)
    assert isinstance(parsed, ClrCredential)
    assert len(parsed.credential_subject.verifiable_credential) == 1
    broken = copy.deepcopy(clr)
    broken["credentialSubject"]["verifiableCredential"][0]["validFrom"] = "nope"
    with pytest.raises(InvalidCredential) as caught:
        parse_credential(broken)
    assert caught.value.problems[0].path == "$.credentialSubject.verifiableCredential[0].validFrom"


def test_limits() -> None:
    nested: Any = "x"
    for _ in range(70):
        nested = [nested]
    with pytest.raises(LimitExceeded):
        AchievementCredential.from_json({**_simple(), "deep": nested})


def test_image_type_is_emitted_as_the_string_the_ob30_schema_wants() -> None:
    from microcred.model import Image

    emitted = Image(id="https://example.org/logo.png").to_json()
    assert emitted["type"] == "Image"
    assert (
        Image.from_json({"id": "https://example.org/l.png", "type": ["Image"]}).to_json()["type"]
        == "Image"
    )
