"""A credential issued by the web application with every EU micro-credential element verifies
in the reference JavaScript stack with only published contexts loaded (the npm context
packages: VC 2.0, Open Badges 3.0, Data Integrity, Multikey) — none of microcred's own files
(decision 0022). The same credential in the former form, with the project's extension
context, fails there unless that context is handed over: the reason the terms moved.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from microcred.contexts import EU_MICROCREDENTIAL_V1
from microcred.model.eu_elements import ELEMENTS, eu_elements, is_eu_alignment
from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services
from microcred_web.issuing.identity import did_document, issuer_did
from microcred_web.issuing.services import RecipientInput
from microcred_web.orgs import services as org_services

pytestmark = [pytest.mark.interop, pytest.mark.django_db]

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
}


def _issued() -> tuple[dict[str, Any], dict[str, Any]]:
    """(signed credential, the issuer's DID documents) from the web application's services."""
    organisation = org_services.organisation_create(name="EU Training", slug="eu-training")
    achievement = achievement_services.achievement_create(
        organisation=organisation, actor=None, values=EU_VALUES
    )
    version = achievement_services.achievement_publish(achievement=achievement, actor=None)
    [credential] = services.credentials_issue(
        organisation=organisation,
        achievement_version=version,
        recipients=[RecipientInput(email="learner@eu.example", name="Learner")],
        actor=None,
        source="interop",
        deliver=False,
    )
    document = json.loads(credential.signed_json)
    return document, {issuer_did(organisation): did_document(organisation)}


def test_every_eu_element_verifies_with_published_contexts_only(js: Any) -> None:
    published_only = type(js)(directory=js.directory, contexts_dir=None)  # npm contexts only
    credential, dids = _issued()
    achievement = credential["credentialSubject"]["achievement"]
    assert {e.element for e in eu_elements(achievement)} == set(ELEMENTS)
    [result] = published_only.results("verify", [{"credential": credential}], dids=dids)
    assert result["ok"] and result["verified"], result
    response = published_only.run("verify", [{"credential": credential}], dids=dids)
    assert all(source.startswith(("npm:", "dids")) for source in response["contexts"].values())

    # the former form needs the project's own context, which the published set lacks
    old = json.loads(json.dumps(credential))
    old["@context"].append(EU_MICROCREDENTIAL_V1)
    old_achievement = old["credentialSubject"]["achievement"]
    old_achievement["alignment"] = [
        a for a in old_achievement["alignment"] if not is_eu_alignment(a)
    ]
    old_achievement["eqfLevel"] = 4
    [refused] = published_only.results("verify", [{"credential": old}], dids=dids)
    assert not (refused["ok"] and refused["verified"])
    assert EU_MICROCREDENTIAL_V1 in json.dumps(refused)
