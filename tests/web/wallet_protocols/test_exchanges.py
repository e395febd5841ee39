"""VC-API exchanges: the Learner Credential Wallet's DID-auth pick-up and the verifier's
presentation request, driven by the wallet counterpart over real HTTP."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import link_in
from microcred_web.issuing.verification import credential_verify
from microcred_web.wallet_protocols import exchanges
from microcred_web.wallet_protocols.models import Exchange, ExchangeState

pytestmark = pytest.mark.django_db(transaction=True)


def test_wallet_picks_up_the_credential_after_did_auth(site, world, issue, wallet, client):
    credential = issue()
    client.force_login(world.people["learner"])
    page = client.post(
        reverse("wallet_protocols:add_to_wallet_app", args=[credential.public_id]), {}
    ).content.decode()
    deep_link = link_in(page, "exchange-link")
    assert deep_link.startswith("https://lcw.app/request.html?request=")
    response = wallet.exchange(deep_link)
    assert response.status_code == 200, response.text
    (received,) = response.json()["verifiablePresentation"]["verifiableCredential"]
    assert received == credential.document
    report = credential_verify(json.dumps(received), now=timezone.now()).report
    assert report.ok, [c.reason for c in report.checks if c.status == "fail"]
    exchange = Exchange.objects.get(credential=credential)
    assert exchange.state == ExchangeState.COMPLETE and exchange.holder_did == wallet.did
    # replayed: the exchange is closed, for the request and for a second presentation
    url = wallet.exchange_url(deep_link)
    assert wallet.http.get(url, params={"iuv": "1"}).status_code == 410
    assert wallet.http.post(url, json={}).status_code == 410
    assert wallet.http.post(url, json={}).json()["error"] == "exchange_closed"


def test_presentation_with_the_wrong_challenge_is_refused(site, issue, wallet):
    credential = issue()
    new = exchanges.issue_exchange_create(credential=credential, user=credential.recipient_user)
    response = wallet.exchange(new.deep_link, challenge="not-the-challenge")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_presentation"
    assert Exchange.objects.get(pk=new.exchange.pk).state == ExchangeState.PENDING


def test_presentation_signed_by_another_key_than_the_holders_is_refused(site, issue, wallet):
    from counterparts.wallet import Wallet

    credential = issue()
    new = exchanges.issue_exchange_create(credential=credential, user=credential.recipient_user)
    url = wallet.exchange_url(new.deep_link)
    request = wallet.http.post(url, json={}).json()["verifiablePresentationRequest"]
    presentation = Wallet(site).did_auth(request)
    presentation["holder"] = wallet.did  # claims to be someone else
    response = wallet.http.post(url, json={"verifiablePresentation": presentation})
    assert response.status_code == 400 and response.json()["error"] == "invalid_presentation"
    unsigned = {k: v for k, v in wallet.did_auth(request).items() if k != "proof"}
    response = wallet.http.post(url, json={"verifiablePresentation": unsigned})
    assert response.status_code == 400
    assert Exchange.objects.get(pk=new.exchange.pk).state == ExchangeState.PENDING


def test_unknown_and_expired_exchanges(site, issue, wallet):
    assert wallet.http.post(f"{site}/exchanges/made-up", json={}).status_code == 404
    credential = issue()
    new = exchanges.issue_exchange_create(credential=credential, user=credential.recipient_user)
    Exchange.objects.filter(pk=new.exchange.pk).update(expires_at=timezone.now())
    response = wallet.http.post(wallet.exchange_url(new.deep_link), json={})
    assert response.status_code == 410 and response.json()["error"] == "exchange_expired"


def _received(wallet, issue, name: str = "Forklift safety") -> dict:
    credential = issue(name=name)
    new = exchanges.issue_exchange_create(credential=credential, user=credential.recipient_user)
    return wallet.exchange(new.deep_link).json()["verifiablePresentation"]["verifiableCredential"][
        0
    ]


def test_verifier_page_asks_a_wallet_and_shows_each_verdict(site, issue, wallet, client):
    genuine = _received(wallet, issue)
    tampered = copy.deepcopy(_received(wallet, issue, name="First aid"))
    tampered["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    page = client.post(reverse("wallet_protocols:request_page")).content.decode()
    result_url = reverse(
        "wallet_protocols:request_result", args=[Exchange.objects.get(purpose="verify").pk]
    )
    waiting = client.get(result_url)
    assert waiting.status_code == 200 and "Waiting" in waiting.content.decode()
    response = wallet.exchange(link_in(page, "request-link"), [genuine, tampered])
    assert response.status_code == 200, response.text
    done = client.get(result_url)
    assert done.status_code == 286  # htmx stops polling
    text = done.content.decode()
    assert "Forklift safety" in text and "Brain surgery" in text
    assert text.count("badge-success") == 1 and text.count("badge-danger") == 1
    assert wallet.did in text
    # another browser never sees it
    from django.test import Client

    assert Client().get(result_url).status_code == 404


def test_verify_request_lists_open_badges_in_its_query(site, wallet):
    new = exchanges.verify_exchange_create(session_key="session-1")
    request = wallet.http.post(new.url, json={}).json()["verifiablePresentationRequest"]
    interaction = wallet.http.get(new.url, params={"iuv": "1"}).json()
    assert interaction == {"protocols": {"vcapi": new.url}}
    kinds = [q["type"] for q in request["query"]]
    assert kinds == ["QueryByExample", "DIDAuthentication"]
    assert request["challenge"] == new.exchange.challenge


def test_five_refused_presentations_close_the_exchange(site, issue, wallet):
    credential = issue()
    new = exchanges.issue_exchange_create(credential=credential, user=credential.recipient_user)
    for _ in range(exchanges.MAX_REFUSED_PRESENTATIONS):
        assert wallet.exchange(new.deep_link, challenge="wrong").status_code == 400
    assert Exchange.objects.get(pk=new.exchange.pk).state == ExchangeState.FAILED
    assert wallet.http.post(new.url, json={}).status_code == 410  # even the right answer is late


def test_one_address_opens_a_bounded_number_of_requests(db, client):
    for _ in range(exchanges.MAX_VERIFY_REQUESTS_PER_CLIENT):
        assert client.post(reverse("wallet_protocols:request_page")).status_code == 200
    refused = client.post(reverse("wallet_protocols:request_page"))
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert Exchange.objects.count() == exchanges.MAX_VERIFY_REQUESTS_PER_CLIENT
