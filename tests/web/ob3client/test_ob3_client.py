"""microcred as an OB 3.0 client, against a second microcred instance as the external host:
discovery, RFC 7591 registration, authorization code + PKCE S256 with the learner consenting
there, the code exchange, sending credentials (upsertCredential) that the host verifies and
stores, taking the host's credentials home (getCredentials, paged), refresh with rotation, the
host's refusals shown in words, and disconnecting (RFC 7009 revocation at the host)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred_web.ob3client import sealed
from microcred_web.ob3client import services as client_services
from microcred_web.ob3client.models import ConnectedHost, HostActivity, HostState
from microcred_web.wallet import services as wallet_services
from microcred_web.wallet.models import ImportedCredential

pytestmark = pytest.mark.django_db(transaction=False)

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def consent_at_host(session, authorize_url: str, *, allow: bool = True) -> str:
    """The learner, signed in at the host, answers its consent page; returns where the host
    sends the browser back to (our callback, with the code or an error)."""
    page = session.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    assert "microcred wallet" in page.text  # the consent page names our client
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    if allow:
        fields["allow"] = "Authorize"
    answer = session.post(
        authorize_url.split("?", 1)[0],
        data=fields,
        headers={"Referer": authorize_url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return str(answer.headers["Location"])


def connect(client, external_host, learner) -> ConnectedHost:
    client.force_login(learner)
    started = client.post(reverse("ob3client:hosts"), {"base_url": external_host.url})
    assert started.status_code == 302, started.content.decode()[:2000]
    authorize_url = started["Location"]
    assert authorize_url.startswith(f"{external_host.url}/oauth/authorize/?")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    back = consent_at_host(external_host.signed_in_session(), authorize_url)
    assert back.startswith(client_services.oauth.redirect_uri())
    parts = urlsplit(back)
    finished = client.get(f"{parts.path}?{parts.query}")
    host = ConnectedHost.objects.get(owner=learner)
    assert finished.status_code == 302
    assert finished["Location"] == reverse("ob3client:host", kwargs={"public_id": host.public_id})
    return host


def test_connect_send_receive_refresh_and_disconnect(
    client, world, external_host, loopback_hosts_allowed, did_key_credential, monkeypatch
):
    learner = world.people["learner"]
    lifting = wallet_services.credential_import(
        user=learner, data=did_key_credential("Safe lifting").encode()
    )
    ladders = wallet_services.credential_import(
        user=learner, data=did_key_credential("Ladder safety").encode()
    )
    assert lifting.label == ladders.label == "valid"

    host = connect(client, external_host, learner)
    assert host.state == HostState.CONNECTED and host.name == "microcred"
    assert host.revocation_url == f"{external_host.url}/oauth/revoke/"
    # secrets are sealed at rest, and open again with the key
    access = sealed.unseal(host, "access_token", host.access_token_sealed)
    assert access and access.encode() not in bytes(host.access_token_sealed)
    assert sealed.unseal(host, "client_secret", host.client_secret_sealed)
    assert host.pkce_verifier_sealed in (b"", memoryview(b"")) and not host.oauth_state_hash

    # send both credentials: the host verifies each and keeps it in the learner's wallet there
    page = client.get(reverse("ob3client:host", kwargs={"public_id": host.public_id}))
    assert b"Safe lifting" in page.content and b"Ladder safety" in page.content
    sent = client.post(
        reverse("ob3client:send", kwargs={"public_id": host.public_id}),
        {"credential": [f"imported:{lifting.public_id}", f"imported:{ladders.public_id}"]},
        follow=True,
    )
    assert "Safe lifting: Added to microcred." in sent.content.decode()
    assert sorted(external_host.imports_of_learner()) == [
        ("Ladder safety", "valid"),
        ("Safe lifting", "valid"),
    ]
    # sending again replaces the host's copy (200), nothing is duplicated there
    client.post(
        reverse("ob3client:send", kwargs={"public_id": host.public_id}),
        {"credential": f"imported:{lifting.public_id}"},
    )
    assert len(external_host.imports_of_learner()) == 2
    assert HostActivity.objects.filter(host=host, direction="push", succeeded=True).count() == 3

    # the access token expires: the next call refreshes it and the refresh token rotates
    old_refresh = sealed.unseal(host, "refresh_token", host.refresh_token_sealed)
    ConnectedHost.objects.filter(pk=host.pk).update(access_expires_at=timezone.now())
    # take the host's credentials home, one per page (paging through X-Total-Count)
    ImportedCredential.objects.filter(owner=learner).delete()
    monkeypatch.setattr(client_services, "PULL_PAGE", 1)
    received = client.post(
        reverse("ob3client:receive", kwargs={"public_id": host.public_id}), follow=True
    )
    assert "2 added to your wallet, 0 updated" in received.content.decode()
    labels = sorted(ImportedCredential.objects.filter(owner=learner).values_list("name", "label"))
    assert labels == [("Ladder safety", "valid"), ("Safe lifting", "valid")]
    host.refresh_from_db()
    assert sealed.unseal(host, "refresh_token", host.refresh_token_sealed) != old_refresh
    assert host.access_expires_at > timezone.now()
    again = client.post(
        reverse("ob3client:receive", kwargs={"public_id": host.public_id}), follow=True
    )
    assert "0 added to your wallet, 2 updated" in again.content.decode()

    # disconnect: the host revokes the tokens (RFC 7009) and we forget the host
    assert external_host.live_tokens() == 1
    gone = client.post(
        reverse("ob3client:disconnect", kwargs={"public_id": host.public_id}), follow=True
    )
    assert "withdrew this wallet" in gone.content.decode()
    assert external_host.live_tokens() == 0
    assert not ConnectedHost.objects.filter(owner=learner).exists()


def test_host_refusal_is_shown_in_words(
    client, world, external_host, loopback_hosts_allowed, did_key_credential
):
    """A credential whose status cannot be checked there: the host answers Imsx_StatusInfo."""
    learner = world.people["learner"]
    unknown = wallet_services.credential_import(
        user=learner,
        data=did_key_credential(
            "Crane basics", status_list_url="https://status.invalid/lists/1"
        ).encode(),
    )
    assert unknown.label == "status_unknown"
    host = connect(client, external_host, learner)
    sent = client.post(
        reverse("ob3client:send", kwargs={"public_id": host.public_id}),
        {"credential": f"imported:{unknown.public_id}"},
        follow=True,
    )
    text = html.unescape(sent.content.decode())
    assert "Crane basics: The host refused (HTTP 400): The credential did not verify" in text
    assert "(invalid_data)" in text
    assert ("Crane basics", "status_unknown") not in external_host.imports_of_learner()
    activity = HostActivity.objects.get(host=host, direction="push")
    assert not activity.succeeded and "did not verify" in activity.message
    client.post(reverse("ob3client:disconnect", kwargs={"public_id": host.public_id}))


def test_learner_who_does_not_allow_is_told(client, world, external_host, loopback_hosts_allowed):
    learner = world.people["learner"]
    client.force_login(learner)
    started = client.post(reverse("ob3client:hosts"), {"base_url": external_host.url})
    back = consent_at_host(external_host.signed_in_session(), started["Location"], allow=False)
    assert "error=access_denied" in back
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}", follow=True)
    assert "You did not allow the connection." in answer.content.decode()
    host = ConnectedHost.objects.get(owner=learner)
    assert host.state == HostState.PENDING and not host.access_token_sealed
    # the same answer replayed finds no request any more
    replay = client.get(f"{parts.path}?{parts.query}", follow=True)
    assert "unknown or has expired" in replay.content.decode()


def test_private_hosts_are_refused_unless_the_operator_allows(client, world, external_host):
    client.force_login(world.people["learner"])
    answer = client.post(reverse("ob3client:hosts"), {"base_url": external_host.url})
    assert answer.status_code == 200
    text = html.unescape(answer.content.decode())
    assert "The host could not be reached: only https:// addresses are fetched." in text
    bad = client.post(reverse("ob3client:hosts"), {"base_url": "ftp://badges.example"})
    assert "starting with https://" in html.unescape(bad.content.decode())
    assert not ConnectedHost.objects.exists()


def test_nobody_else_reaches_a_persons_host(client, world):
    owner, stranger = world.people["learner"], world.others["learner"]
    host = ConnectedHost.objects.create(
        owner=owner,
        name="Elsewhere",
        base_url="https://elsewhere.example",
        api_base="https://elsewhere.example/ims/ob/v3p0",
        state=HostState.CONNECTED,
    )
    client.force_login(stranger)
    for name in ("ob3client:host",):
        assert client.get(reverse(name, kwargs={"public_id": host.public_id})).status_code == 404
    for name in ("ob3client:send", "ob3client:receive", "ob3client:disconnect"):
        url = reverse(name, kwargs={"public_id": host.public_id})
        assert client.post(url, {"credential": "issued:x"}).status_code == 404
    assert ConnectedHost.objects.filter(pk=host.pk).exists()


def test_a_site_without_the_api_is_explained(client, world, external_host, loopback_hosts_allowed):
    client.force_login(world.people["learner"])
    answer = client.post(reverse("ob3client:hosts"), {"base_url": f"{external_host.url}/nothing/"})
    assert answer.status_code == 200
    assert "The host answered with HTTP status 404." in html.unescape(answer.content.decode())
    assert not ConnectedHost.objects.exists()


def test_access_withdrawn_at_the_host_marks_the_connection_expired(
    client, world, external_host, loopback_hosts_allowed
):
    learner = world.people["learner"]
    host = connect(client, external_host, learner)
    # the learner withdraws our access on the host's own "Connected apps" page
    session = external_host.signed_in_session()
    page = session.get(f"{external_host.url}/oauth/connected-apps/", timeout=10).text
    action = re.search(r'action="(/oauth/connected-apps/\d+/revoke/)"', page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert action and token
    withdrawn = session.post(
        external_host.url + action[1],
        data={"csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{external_host.url}/oauth/connected-apps/"},
        timeout=10,
    )
    assert withdrawn.status_code == 200 and external_host.live_tokens() == 0
    answer = client.post(
        reverse("ob3client:receive", kwargs={"public_id": host.public_id}), follow=True
    )
    text = html.unescape(answer.content.decode())
    assert "The host no longer accepts this connection: connect again." in text
    host.refresh_from_db()
    assert host.state == HostState.EXPIRED and not host.access_token_sealed
    assert "Connection expired: connect again" in text
