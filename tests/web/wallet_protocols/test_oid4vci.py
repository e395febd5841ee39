"""OpenID4VCI pre-authorized code flow, driven by the wallet counterpart over real HTTP."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.urls import reverse
from django.utils import timezone

from conftest import link_in, tx_code_in
from counterparts.wallet import Wallet
from microcred_web.issuing import status_changes
from microcred_web.issuing.verification import credential_verify
from microcred_web.wallet_protocols import issuance
from microcred_web.wallet_protocols.metadata import JWT_VC_JSON, LDP_VC
from microcred_web.wallet_protocols.models import CredentialOffer

pytestmark = pytest.mark.django_db(transaction=True)
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def new_offer(site, credential, *, pin: bool = True) -> issuance.NewOffer:
    base = f"{site}/o/{credential.organisation.slug}/oid4vci/offers/"
    return issuance.credential_offer_create(
        credential=credential, user=credential.recipient_user, with_tx_code=pin, offer_uri_base=base
    )


def started(wallet: Wallet, offer: issuance.NewOffer, pin: str | None = None):
    """(issuer, metadata, access token) after a successful token request."""
    issuer = offer.offer_json["credential_issuer"]
    metadata = wallet.issuer_metadata(issuer)
    code = offer.offer_json["grants"][GRANT]["pre-authorized_code"]
    response = wallet.token(issuer, code, pin if pin is not None else offer.tx_code or None)
    assert response.status_code == 200, response.text
    return issuer, metadata, response.json()["access_token"]


def test_metadata_follows_the_path_rules(site, world, wallet):
    issuer = f"{site}/o/{world.org.slug}"
    metadata = wallet.issuer_metadata(issuer)
    assert metadata["credential_issuer"] == issuer
    assert metadata["credential_endpoint"] == f"{issuer}/oid4vci/credential"
    assert metadata["nonce_endpoint"] == f"{issuer}/oid4vci/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert configurations[LDP_VC]["format"] == "ldp_vc"
    assert configurations[JWT_VC_JSON]["format"] == "jwt_vc_json"
    assert configurations[LDP_VC]["proof_types_supported"]["jwt"]
    server = wallet.http.get(wallet.well_known(issuer, "oauth-authorization-server")).json()
    assert server["issuer"] == issuer and GRANT in server["grant_types_supported"]


def test_learner_page_offer_with_pin_delivers_the_signed_credential(
    site, world, issue, wallet, client
):
    credential = issue()
    page_url = reverse("wallet_protocols:add_to_wallet_app", args=[credential.public_id])
    client.force_login(world.people["learner"])  # the learner's browser; the wallet is apart
    page = client.post(page_url, {"pin": "on"}).content.decode()
    link = link_in(page, "offer-link")
    assert link.startswith("openid-credential-offer://?credential_offer=")
    received = wallet.receive(link, tx_code=tx_code_in(page), configuration=LDP_VC)
    assert received == credential.document  # exactly what was signed and stored
    report = credential_verify(json.dumps(received), now=timezone.now()).report
    assert report.ok, [c.reason for c in report.checks if c.status == "fail"]
    offer = CredentialOffer.objects.get(credential=credential)
    assert offer.holder_did == wallet.did and offer.delivered_format == "ldp_vc"


def test_offer_by_reference_and_jwt_vc_json_with_a_jwk_proof(site, issue, wallet):
    credential = issue()
    offer = new_offer(site, credential)
    assert offer.by_reference_link.startswith("openid-credential-offer://?credential_offer_uri=")
    token = wallet.receive(
        offer.by_reference_link, tx_code=offer.tx_code, configuration=JWT_VC_JSON, key_by="jwk"
    )
    assert isinstance(token, str) and token.count(".") == 2
    report = credential_verify(token, now=timezone.now()).report
    assert report.ok, [c.reason for c in report.checks if c.status == "fail"]
    assert report.document["id"] == credential.document["id"]


def test_a_pre_authorized_code_works_once(site, issue, wallet):
    offer = new_offer(site, issue(), pin=False)
    issuer, _metadata, _token = started(wallet, offer)
    again = wallet.token(issuer, offer.offer_json["grants"][GRANT]["pre-authorized_code"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # and the offer by reference is gone with it
    assert wallet.http.get(offer.offer_uri).status_code == 404


def test_an_expired_code_is_refused(site, issue, wallet):
    offer = new_offer(site, issue(), pin=False)
    CredentialOffer.objects.filter(pk=offer.offer.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    issuer = offer.offer_json["credential_issuer"]
    response = wallet.token(issuer, offer.offer_json["grants"][GRANT]["pre-authorized_code"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_wrong_or_missing_pin_and_three_wrong_pins_burn_the_code(site, issue, wallet):
    offer = new_offer(site, issue())
    issuer = offer.offer_json["credential_issuer"]
    code = offer.offer_json["grants"][GRANT]["pre-authorized_code"]
    missing = wallet.token(issuer, code)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    wrong = "000000" if offer.tx_code != "000000" else "111111"
    for _ in range(3):
        response = wallet.token(issuer, code, wrong)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    late = wallet.token(issuer, code, offer.tx_code)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_other_grant_types_are_unsupported(site, issue, wallet):
    offer = new_offer(site, issue(), pin=False)
    issuer = offer.offer_json["credential_issuer"]
    code = offer.offer_json["grants"][GRANT]["pre-authorized_code"]
    response = wallet.token(issuer, code, grant_type="authorization_code")
    assert response.json()["error"] == "unsupported_grant_type"


def _request(wallet, metadata, token, proof, configuration=LDP_VC):
    return wallet.credential_request(
        metadata, token, {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}
    )


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("unknown nonce", "invalid_nonce"),
        ("no nonce", "invalid_nonce"),
        ("wrong typ", "invalid_proof"),
        ("alg none", "invalid_proof"),
        ("another key signed", "invalid_proof"),
        ("wrong audience", "invalid_proof"),
        ("stale iat", "invalid_proof"),
    ],
)
def test_bad_proofs_are_refused(site, issue, wallet, case, error):
    offer = new_offer(site, issue(), pin=False)
    issuer, metadata, token = started(wallet, offer)
    nonce = wallet.nonce(metadata)
    proof = {
        "unknown nonce": lambda: wallet.proof(issuer, "made-up-nonce"),
        "no nonce": lambda: wallet.proof(issuer, None),
        "wrong typ": lambda: wallet.proof(issuer, nonce, typ="JWT"),
        "alg none": lambda: wallet.proof(issuer, nonce, alg="none", signer=lambda data: b""),
        "another key signed": lambda: wallet.proof(
            issuer, nonce, signer=ed25519.Ed25519PrivateKey.generate().sign
        ),
        "wrong audience": lambda: wallet.proof(f"{issuer}-other", nonce),
        "stale iat": lambda: wallet.proof(issuer, nonce, iat=int(time.time()) - 3600),
    }[case]()
    response = _request(wallet, metadata, token, proof)
    assert response.status_code == 400 and response.json()["error"] == error, response.text
    assert CredentialOffer.objects.get(pk=offer.offer.pk).delivered_at is None


def test_a_nonce_signs_one_proof(site, issue, wallet):
    first, second = (
        new_offer(site, issue(), pin=False),
        new_offer(site, issue(name="Other"), pin=False),
    )
    issuer, metadata, token = started(wallet, first)
    nonce = wallet.nonce(metadata)
    assert _request(wallet, metadata, token, wallet.proof(issuer, nonce)).status_code == 200
    _issuer, _metadata, token2 = started(wallet, second)
    replay = _request(wallet, metadata, token2, wallet.proof(issuer, nonce))
    assert replay.json()["error"] == "invalid_nonce"


def test_unsupported_format_and_used_token(site, issue, wallet):
    offer = new_offer(site, issue(), pin=False)
    issuer, metadata, token = started(wallet, offer)
    unknown = _request(
        wallet, metadata, token, wallet.proof(issuer, wallet.nonce(metadata)), "mso_mdoc"
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unknown_credential_configuration"
    assert _request(wallet, metadata, token, wallet.proof(issuer, wallet.nonce(metadata))).ok
    again = _request(wallet, metadata, token, wallet.proof(issuer, wallet.nonce(metadata)))
    assert again.status_code == 401 and again.json()["error"] == "invalid_token"
    assert "invalid_token" in again.headers["WWW-Authenticate"]
    no_token = _request(wallet, metadata, "", wallet.proof(issuer, wallet.nonce(metadata)))
    assert no_token.status_code == 401


def test_a_revoked_credential_is_not_delivered(site, world, issue, wallet):
    credential = issue()
    offer = new_offer(site, credential, pin=False)
    issuer, metadata, token = started(wallet, offer)
    status_changes.credential_revoke(
        credential=credential, actor=world.people["issuer"], reason="x"
    )
    response = _request(wallet, metadata, token, wallet.proof(issuer, wallet.nonce(metadata)))
    assert response.json()["error"] == "credential_request_denied"


def test_nobody_else_offers_or_redeems_a_credential(site, world, issue, wallet, client):
    credential = issue()
    client.force_login(world.people["manager"])  # same organisation, not the holder
    page = reverse("wallet_protocols:add_to_wallet_app", args=[credential.public_id])
    assert client.post(page, {"pin": "on"}).status_code == 404
    assert not CredentialOffer.objects.exists()
    with pytest.raises(issuance.ProtocolError):
        issuance.credential_offer_create(
            credential=credential, user=world.people["manager"], offer_uri_base=f"{site}/x/"
        )
    # a code of one organisation is unknown at another organisation's token endpoint
    offer = new_offer(site, credential, pin=False)
    other_issuer = f"{site}/o/{world.other.slug}"
    code = offer.offer_json["grants"][GRANT]["pre-authorized_code"]
    response = wallet.token(other_issuer, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
