"""The verifier page and /verify/api say in plain words, with the place, why a document is
refused (decision 0018) and why a forged one is not the issuer's (decision 0017); the engine's
own wording stays in the technical details."""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from key_forgery import fragment_forgery
from microcred_web.issuing.check_words import plain_path
from microcred_web.issuing.identity import issuer_did

API = "/verify/api"
GENERIC = "It could not be read as a credential."

#: (edit, the place in plain words, the words that say what is wrong)
EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "duplicate-tag": (
        lambda d: d["credentialSubject"]["achievement"]["tag"].append("safety"),
        "credentialSubject › achievement › tag › entry 2",
        "repeats an entry listed before it",
    ),
    "vocab-null": (
        lambda d: d["@context"].append({"@vocab": None}),
        "@context › entry",
        "changes how the credential's vocabulary is read",
    ),
    "included": (
        lambda d: d.__setitem__("@included", []),
        "“@included”",
        "holds content that the signature does not cover",
    ),
    "null-email": (
        lambda d: d["issuer"].__setitem__("email", None),
        "“issuer › email”",
        "holds content that the signature does not cover",
    ),
}


def _check_message(page: str, check: str) -> str:
    found = re.search(
        rf'data-check="{check}"[^>]*>.*?<span class="check-message">(.*?)</span>', page, re.S
    )
    assert found is not None, page[:3000]
    return html.unescape(found[1])


def _edited(issued, edit: Callable[[dict[str, Any]], None]) -> str:
    document = copy.deepcopy(json.loads(issued.signed_json))
    edit(document)
    return json.dumps(document)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_page_says_where_and_why_in_plain_words(client, issued, name: str) -> None:
    edit, where, why = EDITS[name]
    page = client.post(reverse("verifier:page"), {"credential": _edited(issued, edit)})
    text = page.content.decode()
    assert 'data-verdict="not-a-credential"' in text
    message = _check_message(text, "parse")
    assert where in message and why in message, message
    assert GENERIC not in text
    assert "What this file shows is not all covered by its signature" in html.unescape(text)
    assert "<strong>Failed check:</strong> Shown as signed" in text
    assert "not signed as shown: $" in html.unescape(text)  # the engine's words: details
    body = client.post(API, _edited(issued, edit), content_type="application/json").json()
    [parse] = [c for c in body["checks"] if c["id"] == "parse"]
    assert where in parse["message"] and why in parse["message"], parse
    assert parse["detail"].startswith("not signed as shown: $")
    assert parse["label"] == "Shown as signed"
    assert body["explanation"].startswith("What this file shows is not all covered")


def test_a_key_given_twice_is_named_in_plain_words(client, issued) -> None:
    document = json.loads(issued.signed_json)
    real = json.dumps(document["issuer"]["name"], ensure_ascii=False)
    text = issued.signed_json.replace(f'"name":{real}', f'"name":"FAKE","name":{real}', 1)
    page = client.post(reverse("verifier:page"), {"credential": text}).content.decode()
    message = _check_message(page, "parse")
    assert "The field “issuer › name” is given twice" in message, message
    assert "FAKE" not in page.split("Technical details")[0]  # nothing of it is shown
    assert "$.issuer.name" in page  # the JSON path stays in the technical details


def test_text_that_is_not_json_keeps_the_generic_words(client, db) -> None:
    page = client.post(reverse("verifier:page"), {"credential": "{not json"}).content.decode()
    assert GENERIC in _check_message(page, "parse")
    assert "This is not a credential we can read." in page
    assert "Shown as signed" not in page


def test_a_forged_issuer_is_said_not_to_publish_the_key(client, world) -> None:
    issuer = issuer_did(world.org)
    forged = fragment_forgery(issuer)
    page = client.post(reverse("verifier:page"), {"credential": json.dumps(forged)})
    text = html.unescape(page.content.decode())
    assert 'data-verdict="unknown-issuer"' in text
    assert "The key that signed this credential is not published by the issuer named on it" in text
    message = _check_message(text, "proof")
    assert message == (
        f"The key that signed it is not published by “Forged in their name” ({issuer}), the "
        "issuer named on it: anyone could have signed it."
    )
    body = client.post(API, json.dumps(forged), content_type="application/json").json()
    assert "is not published by the issuer named on it" in body["explanation"]


@pytest.mark.parametrize(
    ("path", "plain"),
    [
        ("$", "the whole document"),
        (
            "$.credentialSubject.achievement.prerequisite[2]",
            "credentialSubject › achievement › prerequisite › entry 3",
        ),
        ("$['@context'][3].Unused", "@context › entry 4 › Unused"),
        ("$['https://example.org/#x']", "https://example.org/#x"),
    ],
)
def test_plain_path(path: str, plain: str) -> None:
    assert plain_path(path) == plain
