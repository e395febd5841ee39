"""EU micro-credential elements as OB 3.0 alignments, and read back from either form."""

from __future__ import annotations

from typing import Any

from microcred.model import Achievement
from microcred.model.eu_elements import (
    ELEMENTS,
    TARGET_TYPE_PREFIX,
    eu_elements,
    is_eu_alignment,
    with_published_terms,
)

PAGE = "https://issuer.example/achievements/1/v1"
OLD: dict[str, Any] = {
    "id": PAGE,
    "type": ["Achievement"],
    "name": "Forklift",
    "description": "Drives it.",
    "criteria": {"narrative": "Passed."},
    "inLanguage": "fr",
    "alignment": [
        {"type": ["Alignment"], "targetName": "Driving", "targetUrl": "https://s.example/d"}
    ],
    "learningOutcome": {"en": ["Inspects"], "fr": ["Inspecte", "Conduit"]},
    "creditECTS": 2.5,
    "eqfLevel": 4,
    "assessmentType": "Practical",
    "participationMode": "On-site",
    "qualityAssurance": "Board",
    "prerequisite": ["Licence"],
    "identityVerification": "Photo ID",
    "gradingScheme": "Pass/fail",
    "stackability": "Counts towards Team Lead",
}


def test_every_element_moves_into_alignments_the_model_and_schema_accept() -> None:
    new = with_published_terms(OLD)
    assert not set(ELEMENTS) & set(new)
    assert new["alignment"][0] == OLD["alignment"][0]  # the achievement's own alignment stays
    eu = new["alignment"][1:]
    assert all(is_eu_alignment(a) for a in eu)
    assert {a["targetType"] for a in eu} == {TARGET_TYPE_PREFIX + e for e in ELEMENTS}
    assert all(a["targetType"].startswith("ext:") for a in eu)  # the OB 3.0 schema's pattern
    parsed = Achievement.from_json(new)
    assert len(parsed.alignment) == len(new["alignment"])
    assert with_published_terms(new) == new  # idempotent


def test_both_forms_read_the_same() -> None:
    old = eu_elements(OLD)
    assert old == eu_elements(with_published_terms(OLD))
    as_dict = {e.element: e.values for e in old}
    assert as_dict["learningOutcome"] == ("Inspecte", "Conduit")  # the achievement's language
    assert as_dict["creditECTS"] == ("2.5",) and as_dict["eqfLevel"] == ("4",)
    assert [e.element for e in old] == list(ELEMENTS)


def test_invalid_values_stay_where_the_checks_see_them() -> None:
    bad = dict(OLD, eqfLevel=9, creditECTS=True)
    moved = with_published_terms(bad)
    assert moved["eqfLevel"] == 9 and moved["creditECTS"] is True
    assert "assessmentType" not in moved


def test_foreign_alignments_and_junk_are_not_eu_elements() -> None:
    assert not is_eu_alignment({"targetType": "ext:EUMicroCredential.unknown"})
    assert not is_eu_alignment({"targetType": "CFItem"})
    assert not is_eu_alignment("ext:EUMicroCredential.eqfLevel")
    assert eu_elements(None) == [] and eu_elements({"alignment": "x"}) == []
