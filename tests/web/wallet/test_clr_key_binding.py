"""The wallet's CLR signing key binds through its DID document, on our verifier too
(decision 0017): a CLR we export verifies; one forged in the platform's name does not."""

from __future__ import annotations

import json

from django.urls import reverse

from key_forgery import fragment_forgery
from microcred_web.verifier import verification
from microcred_web.wallet.clr import platform_did


def _verdict(client, document) -> str:
    verification.caches_clear()
    response = client.post("/verify/api", json.dumps(document), content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["verdict"])


def test_exported_clr_verifies_and_a_forged_one_does_not(client, world, issue, settings):
    settings.MICROCRED_VERIFY_RATE = 1000.0
    settings.MICROCRED_VERIFY_BURST = 1000.0
    first = issue()
    client.force_login(world.people["learner"])
    response = client.post(reverse("wallet:clr"), {"credential": [str(first.public_id)]})
    assert response.status_code == 200
    clr = json.loads(response.content)
    client.logout()
    assert clr["issuer"]["id"] == platform_did()
    assert _verdict(client, clr) == "valid"
    forged = fragment_forgery(platform_did())
    assert _verdict(client, forged) == "unknown-issuer"
