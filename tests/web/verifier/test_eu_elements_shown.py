"""EU micro-credential elements in published terms only, shown on the public page and by the
verifier; credentials with the former extension context keep verifying; every project context
is served by the instance (decision 0022)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from microcred.contexts import EU_MICROCREDENTIAL_V1, default_registry
from microcred.model.eu_elements import ELEMENTS, is_eu_alignment
from microcred.suites import eddsa_rdfc_2022
from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput
from microcred_web.issuing.signing import signing_key_for

PUBLISHED = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
#: every EU element the achievement form has
EU_VALUES = {
    "name": "Forklift operation",
    "description": "Operates a counterbalance forklift safely.",
    "criteria": "Passed the practical assessment.",
    "achievement_type": "MicroCredential",
    "learning_outcomes": "Carries out a pre-use inspection\nMoves loads safely",
    "credit_ects": "1.5",
    "eqf_level": 4,
    "assessment_type": "Practical assessment with an observer",
    "participation_mode": "On-site",
    "quality_assurance": "Internal QA by the training board",
    "prerequisites": "Valid driving licence\nSafety induction",
    "identity_verification": "Photo ID checked on site",
    "grading_scheme": "Pass / fail",
    "stackability": "Counts towards Warehouse Team Lead",
    "alignments": [{"name": "Forklift driving", "url": "https://skills.example/forklift"}],
}


def issue_with_every_eu_element(world) -> Credential:
    world.org.country = "FR"
    world.org.save(update_fields=["country"])
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=EU_VALUES
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="eu@acme.example", name="Eu Learner")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    return credential


@pytest.fixture
def eu_credential(world) -> Credential:
    return issue_with_every_eu_element(world)


def _verify(client, body: str | bytes, language: str = "en") -> dict[str, Any]:
    response = client.post(
        "/verify/api", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_issued_credentials_use_published_contexts_only(eu_credential) -> None:
    document = json.loads(eu_credential.signed_json)
    assert document["@context"] == PUBLISHED
    achievement = document["credentialSubject"]["achievement"]
    assert not set(ELEMENTS) & set(achievement)
    eu = [a for a in achievement["alignment"] if is_eu_alignment(a)]
    assert {a["targetType"].rsplit(".", 1)[1] for a in eu} == set(ELEMENTS)


def test_the_verifier_reports_every_element(client, eu_credential) -> None:
    result = _verify(client, eu_credential.signed_json)
    assert result["verdict"] == "valid", result["checks"]
    rows = {row["element"]: row for row in result["credential"]["eu_elements"]}
    assert list(rows) == list(ELEMENTS)  # the Recommendation's order
    assert rows["learningOutcome"]["values"] == [
        "Carries out a pre-use inspection",
        "Moves loads safely",
    ]
    assert rows["creditECTS"]["values"] == ["1.5"]
    assert rows["eqfLevel"] == {"element": "eqfLevel", "label": "Level (EQF)", "values": ["4"]}
    assert rows["prerequisite"]["values"] == ["Valid driving licence", "Safety induction"]
    assert rows["stackability"]["values"] == ["Counts towards Warehouse Team Lead"]
    assert result["credential"]["issuer_country"] == "FR"  # the provider's country
    french = _verify(client, eu_credential.signed_json, "fr")["credential"]["eu_elements"]
    assert french[2]["label"] == "Niveau (CEC)"
    assert french[0]["label"] == "Acquis d’apprentissage"


def test_the_verification_page_and_the_public_page_show_them(client, eu_credential) -> None:
    page = client.post("/verify/", {"credential": eu_credential.signed_json})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="eu-elements"' in html
    for element in ELEMENTS:
        assert f'data-element="{element}"' in html
    assert "Photo ID checked on site" in html and "Level (EQF)" in html
    public = client.get(f"/credentials/{eu_credential.public_id}")
    text = public.content.decode()
    assert public.status_code == 200 and 'id="eu-elements"' in text
    assert "Internal QA by the training board" in text and "Moves loads safely" in text
    assert 'id="issuer-country">FR<' in text and 'id="issuer-country">FR<' in html
    # the skills line lists the achievement's own alignment, not the EU elements
    skills = text.split('id="eu-elements"')[0]
    assert "Forklift driving" in skills
    assert 'class="tag" href="http://data.europa.eu/snb/eqf/4"' not in skills


def _old_form(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (unsigned) as credentials were issued before decision 0022."""
    old = json.loads(json.dumps(document))
    old.pop("proof", None)
    old["@context"] = [*PUBLISHED, EU_MICROCREDENTIAL_V1]
    achievement = old["credentialSubject"]["achievement"]
    achievement["alignment"] = [a for a in achievement["alignment"] if not is_eu_alignment(a)]
    achievement.update(
        learningOutcome={"en": ["Moves loads safely"], "fr": ["Déplace les charges"]},
        creditECTS=1.5,
        eqfLevel=4,
        participationMode="On-site",
        prerequisite=["Safety induction"],
    )
    return old


def test_credentials_with_the_former_context_still_verify(client, world, eu_credential) -> None:
    _key, pair = signing_key_for(organisation=world.org)
    old = eddsa_rdfc_2022.sign(
        _old_form(json.loads(eu_credential.signed_json)), pair, created=timezone.now()
    )
    result = _verify(client, json.dumps(old))
    assert result["verdict"] == "valid", result["checks"]
    rows = {row["element"]: row["values"] for row in result["credential"]["eu_elements"]}
    assert rows == {
        "learningOutcome": ["Moves loads safely"],
        "creditECTS": ["1.5"],
        "eqfLevel": ["4"],
        "participationMode": ["On-site"],
        "prerequisite": ["Safety induction"],
    }


def test_versions_frozen_with_the_former_terms_issue_published_terms(world) -> None:
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=world.people["admin"], values=EU_VALUES
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    frozen = {k: v for k, v in version.achievement_json.items() if k != "alignment"}
    frozen.update(eqfLevel=4, learningOutcome={"en": ["Moves loads safely"]})
    version.achievement_json = frozen
    version.save(update_fields=["achievement_json"])
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="old@acme.example")],
        actor=None,
        source="test",
        deliver=False,
    )
    document = json.loads(credential.signed_json)
    assert document["@context"] == PUBLISHED
    achievement_json = document["credentialSubject"]["achievement"]
    assert "eqfLevel" not in achievement_json
    assert [a["targetCode"] for a in achievement_json["alignment"] if "targetCode" in a] == ["4"]


def test_every_project_context_is_served_by_the_instance(client) -> None:
    registry = default_registry()
    response = client.get("/contexts/eu-microcredential/v1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.content == registry.raw_bytes(EU_MICROCREDENTIAL_V1)
    digest = hashlib.sha256(response.content).hexdigest()
    assert response["ETag"] == f'"{digest}"' == f'"{registry.sha256(EU_MICROCREDENTIAL_V1)}"'
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/contexts/eu-microcredential/v1", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.head("/contexts/eu-microcredential/v1").status_code == 200
    assert client.post("/contexts/eu-microcredential/v1").status_code == 405
    assert client.get("/contexts/eu-microcredential/v2").status_code == 404
    assert client.get("/contexts/../credentials/v2").status_code == 404
    listing = client.get("/contexts/").json()
    assert listing == {
        EU_MICROCREDENTIAL_V1: {
            # links are built from BASE_URL, never from the request's Host
            "href": str(settings.BASE_URL).rstrip("/") + "/contexts/eu-microcredential/v1",
            "sha256": digest,
        }
    }
