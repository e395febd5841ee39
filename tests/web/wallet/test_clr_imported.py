"""CLR 2.0 exports include the learner's verified imported credentials (issue 16, item 5)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from key_forgery import remote_documents
from microcred.did import MapResolver, did_web_to_url
from microcred.verify import verify_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.wallet import clr, services
from ob30_issuers import issuer_documents

TESTS = Path(__file__).resolve().parents[2]
VECTORS = TESTS / "vectors" / "ob30"
SCHEMA = TESTS / "vectors" / "clr" / "clr_v2p0_clrcredential_schema_draft4.json"
FIXTURE_WEB = remote_documents(issuer_documents())


def _import(user: Any, name: str) -> Any:
    return services.credential_import(
        user=user, data=(VECTORS / name).read_bytes(), fetch=FIXTURE_WEB
    )


def _as_vcdm11(document: dict[str, Any]) -> dict[str, Any]:
    """The VCDM 1.1 envelope the draft-04 schema port expects (see tests/vectors/clr/README)."""
    out = copy.deepcopy(document)
    for vc in [out, *out["credentialSubject"]["verifiableCredential"]]:
        vc["issuanceDate"] = vc["validFrom"]
        vc["@context"] = ["https://www.w3.org/2018/credentials/v1", *vc["@context"][1:]]
        if "credentialStatus" in vc:
            status = vc["credentialStatus"]
            vc["credentialStatus"] = {"id": status["id"], "type": status["type"]}
    return out


def test_clr_bundles_a_verified_import_and_validates(client, world, credential):
    learner = world.people["learner"]
    imported = _import(learner, "simple.json")
    assert imported.label == "valid"
    expired = _import(learner, "simple-err-expired.json")
    client.force_login(learner)
    page = client.get(reverse("wallet:clr")).content.decode()
    assert str(imported.public_id) in page and str(expired.public_id) not in page

    response = client.post(
        reverse("wallet:clr"),
        {"credential": [str(credential.public_id)], "imported": [str(imported.public_id)]},
    )
    assert response.status_code == 200
    document = json.loads(response.content)
    bundled = document["credentialSubject"]["verifiableCredential"]
    assert [vc["id"] for vc in bundled] == [credential.document["id"], imported.document["id"]]
    assert bundled[1]["proof"] == imported.document["proof"]  # kept with its issuer's proof

    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(_as_vcdm11(document))
    # the platform's signature covers the imported credential too, and each one verifies
    docs: dict[str, Any] = dict(issuer_documents())
    for did in (document["issuer"]["id"], credential.document["issuer"]["id"]):
        docs[did] = json.loads(client.get(urlsplit(did_web_to_url(did)).path).content)
    status_url = credential.document["credentialStatus"]["statusListCredential"]
    docs[status_url] = json.loads(client.get(urlsplit(status_url).path).content)
    report = verify_credential(document, now=timezone.now(), resolver=MapResolver(docs))
    assert report.ok, [c.to_json() for c in report.checks if c.status == "fail"]
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["verifiableCredential"][1]["name"] = "Something else"
    assert not verify_credential(tampered, now=timezone.now(), resolver=MapResolver(docs)).ok


def test_only_verified_imports_of_the_holder_can_be_bundled(world):
    learner = world.people["learner"]
    expired = _import(learner, "simple-err-expired.json")
    tampered = _import(learner, "simple-err-proof-value.json")
    for refused in (expired, tampered):
        assert clr.clr_bundlable(refused) is None
        with pytest.raises(ApplicationError) as error:
            clr.clr_issue(user=learner, credentials=[], imported=[refused])
        assert error.value.field == "imported"
    someone_elses = _import(world.others["learner"], "simple.json")
    with pytest.raises(ApplicationError) as error:
        clr.clr_issue(user=learner, credentials=[], imported=[someone_elses])
    assert error.value.code == "not_found"
    alone = clr.clr_issue(user=learner, credentials=[], imported=[_import(learner, "simple.json")])
    assert len(alone["credentialSubject"]["verifiableCredential"]) == 1
