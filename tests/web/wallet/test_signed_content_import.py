"""Wallet import never says "Verified" for content the signature does not cover (decision
0018); a file with a key twice is not read at all."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from microcred.suites import verify_proof
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.signing import signing_key_for
from microcred_web.wallet import services
from microcred_web.wallet.models import ImportedCredential


def test_unsigned_content_is_imported_as_not_verifiable(world, credential):
    learner = world.people["learner"]
    _k, pair = signing_key_for(organisation=credential.organisation)
    for edit in (
        lambda d: d["@context"].append({"@vocab": None}),
        lambda d: d.__setitem__("@included", []),
        lambda d: d["type"].append(d["type"][-1]),
    ):
        document = json.loads(credential.signed_json)
        edit(document)
        assert verify_proof(document, document["proof"][0], pair.public).ok  # a real trick
        imported = services.credential_import(user=learner, data=json.dumps(document).encode())
        assert imported.label == "invalid"
        assert imported.get_label_display() != "Verified"
        assert imported.checks[0]["name"] == "parse"


def test_duplicate_keys_are_not_read(world, credential):
    learner = world.people["learner"]
    text = credential.signed_json.replace('"issuer":{', '"issuer":{"name":"FAKE",', 1)
    assert text != credential.signed_json
    assert json.loads(text) == json.loads(credential.signed_json)  # last wins: the signed name
    with pytest.raises(ApplicationError) as caught:
        services.credential_import(user=learner, data=text.encode())
    assert "The field “issuer › name” is given twice" in caught.value.message
    assert not ImportedCredential.objects.filter(owner=learner).exists()


def test_the_imported_page_says_where_and_why_in_plain_words(client, world, credential):
    learner = world.people["learner"]
    document = json.loads(credential.signed_json)
    document["type"].append(document["type"][-1])
    imported = services.credential_import(user=learner, data=json.dumps(document).encode())
    client.force_login(learner)
    page = client.get(reverse("wallet:imported", kwargs={"public_id": imported.public_id}))
    text = html.unescape(page.content.decode())
    checks = text.split('id="verification"')[1].split("</ul>")[0]
    assert "“type › entry 3” repeats an entry listed before it" in checks, checks
    assert "Shown as signed" in checks and ">parse<" not in checks  # labels, not engine names
    assert "not signed as shown: $.type[2]" in text  # the engine's words: technical details
    caution = text.split('id="import-caution"')[1].split("</p>")[0]
    assert "what follows is what the file claims; its issuer has not confirmed it" in caution


def test_the_import_page_names_a_key_given_twice(client, world, credential):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = credential.signed_json.replace('"issuer":{', '"issuer":{"name":"FAKE",', 1)
    client.force_login(world.people["learner"])
    upload = SimpleUploadedFile("c.json", text.encode(), "application/json")
    page = client.post(reverse("wallet:import"), {"file": upload})
    assert "The field “issuer › name” is given twice" in html.unescape(page.content.decode())
