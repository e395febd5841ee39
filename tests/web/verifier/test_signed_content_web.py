"""What is shown is what is signed, through the web entry points (decision 0018): edits that
the eddsa-rdfc-2022 signature does not see are refused by /verify/api, the /verify/ page,
POST /credentials/verify and wallet import — never "valid" or "Verified"."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from microcred.suites import verify_proof
from microcred_web.issuing.signing import signing_key_for

API = "/verify/api"


def _vocab_null(d: dict[str, Any]) -> None:
    d["@context"].append({"@vocab": None})
    d["credentialSubject"]["favouriteColour"] = "green"


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "vocab-null": (_vocab_null, "$['@context']"),
    "vocab": (lambda d: d["@context"].append({"@vocab": "https://example.org/#"}), "@context"),
    "included": (lambda d: d.__setitem__("@included", []), "$['@included']"),
    "reverse": (lambda d: d.__setitem__("@reverse", {}), "$['@reverse']"),
    "type-keyword": (lambda d: d.__setitem__("@type", []), "$['@type']"),
    "duplicate-type": (lambda d: d["type"].append(d["type"][-1]), "$.type["),
}


def _edited(issued, edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(issued.signed_json)
    edited = copy.deepcopy(document)
    edit(edited)
    _key, pair = signing_key_for(organisation=issued.organisation)
    assert verify_proof(edited, edited["proof"][0], pair.public).ok  # the trick is real
    return edited


def _duplicate_name(issued) -> str:
    document = json.loads(issued.signed_json)
    real = json.dumps(document["issuer"]["name"], ensure_ascii=False)
    text = issued.signed_json
    assert text.count(f'"name":{real}') == 1, text
    return text.replace(f'"name":{real}', '"name":"FAKE",' + f'"name":{real}')


@pytest.mark.parametrize("name", sorted(EDITS))
def test_api_and_page_refuse_each_trick(client, issued, name: str) -> None:
    edit, path = EDITS[name]
    edited = _edited(issued, edit)
    body = client.post(API, json.dumps(edited), content_type="application/json").json()
    assert body["verdict"] == "not-a-credential", body
    assert path in json.dumps(body), body
    wrapped = {"verifiableCredential": edited}
    body = client.post(API, json.dumps(wrapped), content_type="application/json").json()
    assert body["verdict"] == "not-a-credential"
    page = client.post(reverse("verifier:page"), {"credential": json.dumps(edited)})
    assert 'data-verdict="not-a-credential"' in page.content.decode()


def test_duplicate_keys_at_the_api_and_the_page(client, issued) -> None:
    text = _duplicate_name(issued)
    assert json.loads(text) == json.loads(issued.signed_json)  # last wins: the signed name
    body = client.post(API, text, content_type="application/json").json()
    assert body["verdict"] == "not-a-credential", body
    assert "$.issuer.name" in json.dumps(body)
    wrapped = '{"verifiableCredential": ' + text + "}"
    body = client.post(API, wrapped, content_type="application/json").json()
    assert body["verdict"] == "not-a-credential"
    assert "$.verifiableCredential.issuer.name" in json.dumps(body)
    page = client.post(reverse("verifier:page"), {"credential": text}).content.decode()
    assert 'data-verdict="not-a-credential"' in page and "$.issuer.name" in page


@pytest.mark.parametrize("body", [b'{"name": "\\ud800"}', b'{"name": "\xed\xa0\x80"}'])
def test_lone_surrogates_are_refused_as_json(client, db, body: bytes) -> None:
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
