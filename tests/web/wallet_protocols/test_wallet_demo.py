"""The demo: a Northwind learner's credential offers "Add to a wallet app", with a QR code,
and lists the wallet app that already received one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.wallet_protocols.models import CredentialOffer

pytestmark = pytest.mark.django_db


def test_demo_learner_adds_a_credential_to_a_wallet_app(client):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # idempotent
    learner = User.objects.get(email="learner@northwind.example")
    (delivered,) = CredentialOffer.objects.filter(user=learner)
    assert delivered.holder_did.startswith("did:key:z6Mk") and delivered.delivered_at
    client.force_login(learner)
    credential_page = client.get(
        reverse("issuing:credential", args=[delivered.credential.public_id])
    ).content.decode()
    assert 'id="add-to-wallet-app"' in credential_page
    page_url = reverse("wallet_protocols:add_to_wallet_app", args=[delivered.credential.public_id])
    page = client.get(page_url).content.decode()
    assert "Wallet apps that received it" in page and delivered.holder_did[:30] in page
    response = client.post(page_url, {"pin": "on"})
    assert "no-store" in response["Cache-Control"]  # codes and PIN are shown once
    shown = response.content.decode()
    assert shown.count("<svg") >= 2 and 'id="tx-code"' in shown
    offer = CredentialOffer.objects.filter(user=learner, delivered_at__isnull=True).get()
    assert offer.tx_code_hash  # a PIN was asked for this offer
