"""Wallet: privacy choices, share links, e-mail, LinkedIn, embed, downloads and their events."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from microcred_web.analytics.models import CredentialEvent
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import IssuerProfile
from microcred_web.wallet import services, sharing
from microcred_web.wallet.models import ShareLink

CLIENT_IP = "198.51.100.23"


def page(credential) -> str:
    return reverse("issuing:credential", kwargs={"public_id": credential.public_id})


def downloads(credential) -> list[str]:
    pid = credential.public_id
    return [
        reverse("issuing:credential_json", kwargs={"public_id": pid}),
        reverse("issuing:credential_jwt", kwargs={"public_id": pid}),
        reverse("rendering:badge_png", kwargs={"public_id": pid}),
        reverse("rendering:badge_svg", kwargs={"public_id": pid}),
    ]


def events(**filters) -> list[tuple[str, str]]:
    return list(CredentialEvent.objects.filter(**filters).values_list("kind", "channel"))


def test_private_by_default_for_everyone_but_holder_and_issuers(client, world, credential):
    assert credential.is_public is False
    for url in [page(credential), *downloads(credential)]:
        assert client.get(url).status_code == 404, url
    client.force_login(world.others["admin"])  # an admin of another organisation
    assert client.get(page(credential)).status_code == 404
    client.force_login(world.people["manager"])  # same organisation, not an issuer
    assert client.get(page(credential)).status_code == 404
    for who in ("learner", "issuer", "admin"):
        client.force_login(world.people[who])
        assert client.get(page(credential)).status_code == 200, who
        assert client.get(downloads(credential)[0]).status_code == 200, who


def test_making_public_opens_page_and_downloads_and_counts_views(client, world, credential):
    learner = world.people["learner"]
    client.force_login(learner)
    response = client.post(
        reverse("wallet:visibility", kwargs={"public_id": credential.public_id}), {"public": "1"}
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.is_public
    client.get(page(credential))  # the holder's own visit is not counted
    assert events(kind="view") == []
    client.logout()
    html = client.get(page(credential), REMOTE_ADDR=CLIENT_IP).content.decode()
    assert 'property="og:title" content="Forklift safety' in html
    assert 'property="og:image" content="http' in html
    assert 'name="twitter:card"' in html
    assert 'id="status-banner"' in html
    assert events(kind="view") == [("view", "")]
    for url in downloads(credential):
        assert client.get(url).status_code == 200, url
    # back to private: 404 again
    services.credential_visibility_set(credential=credential, user=learner, is_public=False)
    assert client.get(page(credential)).status_code == 404


def test_someone_else_cannot_change_the_choice(client, world, credential):
    client.force_login(world.people["admin"])  # the issuer's admin is not the holder
    url = reverse("wallet:visibility", kwargs={"public_id": credential.public_id})
    assert client.post(url, {"public": "1"}).status_code == 404
    credential.refresh_from_db()
    assert credential.is_public is False


def test_hidden_evidence_is_not_on_the_public_page(client, world, credential):
    learner = world.people["learner"]
    services.credential_visibility_set(credential=credential, user=learner, is_public=True)
    client.force_login(learner)
    url = reverse("wallet:evidence", kwargs={"public_id": credential.public_id, "index": 1})
    assert client.post(url, {"shown": "0"}).status_code == 302
    credential.refresh_from_db()
    assert credential.hidden_evidence == [1]
    client.logout()
    html = client.get(page(credential)).content.decode()
    assert "Evidence 0" in html and "Evidence 1" not in html
    assert "<script>alert(1)</script>" not in html  # criteria Markdown is sanitised
    assert "<strong>practical</strong>" in html


def test_share_link_shows_private_credential_until_withdrawn(client, world, credential):
    learner = world.people["learner"]
    client.force_login(learner)
    create = reverse("wallet:share_link_create", kwargs={"public_id": credential.public_id})
    client.post(create, {"label": "Recruiter"})
    assert events(kind="share") == [("share", "link")]
    detail = client.get(reverse("wallet:credential", kwargs={"public_id": credential.public_id}))
    url = detail.context["new_link"]
    assert url.startswith("http://") and "/s/" in url
    client.logout()
    path = urlsplit(url).path
    response = client.get(path, REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 200 and "Forklift safety" in response.content.decode()
    assert client.get(downloads(credential)[2]).status_code == 200  # this visitor may download
    assert events(kind="view") == [("view", "share-link")]
    link = ShareLink.objects.get()
    services.share_link_revoke(link=link, user=learner)
    other_client = type(client)()
    withdrawn = other_client.get(path)
    assert withdrawn.status_code == 410
    assert "withdrawn" in withdrawn.content.decode()
    assert other_client.get(page(credential)).status_code == 404
    assert client.get("/s/forged-token").status_code == 404


def test_email_share_sends_a_link_and_is_rate_limited(
    client, world, credential, django_capture_on_commit_callbacks
):
    learner = world.people["learner"]
    client.force_login(learner)
    url = reverse("wallet:email", kwargs={"public_id": credential.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"to": "boss@example.org", "message": "Hello!"}, REMOTE_ADDR=CLIENT_IP)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["boss@example.org"]
    assert "Forklift safety" in sent.subject
    assert "Hello!" in sent.body and "/s/" in sent.body  # private: sent as a share link
    html = sent.alternatives[0][0]  # branded HTML too, the button on the share link
    assert 'id="email-button"' in html and "/s/" in html and "Acme Training" in html
    assert "List-Unsubscribe" not in sent.extra_headers
    assert sorted(events(kind="share")) == [("share", "email"), ("share", "link")]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.EMAIL_SHARES_PER_HOUR - 1):
            services.credential_email_share(credential=credential, user=learner, to="x@example.org")
        response = client.post(url, {"to": "boss@example.org"}, follow=True)
    assert "e-mails in the last hour" in response.content.decode()
    assert len(mail.outbox) == services.EMAIL_SHARES_PER_HOUR
    bad = client.post(url, {"to": "not-an-address"}, follow=True).content.decode()
    assert "Send to (e-mail address)" in bad


def test_linkedin_url_field_by_field_and_redirect_event(client, world, credential):
    params = dict(parse_qsl(urlsplit(sharing.linkedin_url(credential)).query))
    assert urlsplit(sharing.linkedin_url(credential))[:3] == (
        "https",
        "www.linkedin.com",
        "/profile/add",
    )
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Forklift safety",
        "organizationName": "Acme Training",
        "issueYear": str(credential.issued_at.year),
        "issueMonth": str(credential.issued_at.month),
        "expirationYear": str(credential.valid_until.year),
        "expirationMonth": str(credential.valid_until.month),
        "certUrl": f"http://testserver{page(credential)}".replace(
            "http://testserver", _base(client)
        ),
        "certId": str(credential.public_id),
    }
    issuing.issuer_profile_update(
        organisation=world.org, actor=None, name="Acme", linkedin_organization_id="1337"
    )
    params = dict(parse_qsl(urlsplit(sharing.linkedin_url(credential)).query))
    assert params["organizationId"] == "1337" and "organizationName" not in params
    client.force_login(world.people["learner"])
    response = client.get(reverse("wallet:linkedin", kwargs={"public_id": credential.public_id}))
    assert response.status_code == 302
    assert response["Location"] == sharing.linkedin_url(credential)
    assert events(kind="linkedin") == [("linkedin", "linkedin")]


def _base(client) -> str:
    from django.conf import settings

    return settings.BASE_URL.rstrip("/")


def test_issuer_settings_validate_linkedin_id(world):
    from microcred_web.common.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        issuing.issuer_profile_update(
            organisation=world.org, actor=None, linkedin_organization_id="acme"
        )
    assert error.value.field == "linkedin_organization_id"
    assert not IssuerProfile.objects.filter(linkedin_organization_id="acme").exists()


def test_embed_snippet_is_escaped(world, issue, version):
    version.name = 'Safety "first" <b>'
    version.save()
    credential = issue()
    snippet = sharing.embed_snippet(credential)
    assert "<b>" not in snippet and "&lt;b&gt;" in snippet and "&quot;first&quot;" in snippet
    assert snippet.startswith('<a href="http') and "<img src=" in snippet


def test_copy_events_and_downloads_recorded_once_with_format(client, world, credential):
    learner = world.people["learner"]
    services.credential_visibility_set(credential=credential, user=learner, is_public=True)
    client.force_login(learner)
    shared = reverse("wallet:share_event", kwargs={"public_id": credential.public_id})
    assert client.post(shared, {"channel": "copy"}).status_code == 204
    assert client.post(shared, {"channel": "embed"}).status_code == 204
    assert client.post(shared, {"channel": "bogus"}).status_code == 400
    client.logout()
    pid = credential.public_id
    client.get(reverse("issuing:credential_json", kwargs={"public_id": pid}), REMOTE_ADDR=CLIENT_IP)
    client.get(reverse("issuing:credential_jwt", kwargs={"public_id": pid}))
    client.get(reverse("rendering:badge_png", kwargs={"public_id": pid}) + "?download=1")
    client.get(reverse("rendering:badge_png", kwargs={"public_id": pid}))  # shown, not downloaded
    client.get(reverse("rendering:badge_svg", kwargs={"public_id": pid}) + "?download=1")
    assert (
        client.get(reverse("rendering:certificate", kwargs={"public_id": pid})).status_code == 200
    )
    assert sorted(events(kind="share")) == [("share", "copy"), ("share", "embed")]
    assert sorted(events(kind="download")) == [
        ("download", "json"),
        ("download", "jwt"),
        ("download", "pdf"),
        ("download", "png"),
        ("download", "svg"),
    ]
    assert CredentialEvent.objects.exclude(credential=credential).count() == 0
    assert set(CredentialEvent.objects.values_list("organisation_id", flat=True)) == {world.org.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM analytics_credentialevent")
        rows = json.dumps(cursor.fetchall(), default=str)
    assert CLIENT_IP not in rows and "198.51.100" not in rows


def test_revoked_credential_page_names_the_reason(client, world, credential):
    services.credential_visibility_set(
        credential=credential, user=world.people["learner"], is_public=True
    )
    issuing.credential_revoke(credential=credential, actor=world.people["admin"], reason="Fraud")
    html = client.get(page(credential)).content.decode()
    assert "Revoked" in html and "Fraud" in html
    client.force_login(world.people["learner"])
    wallet = client.get(reverse("wallet:home")).content.decode()
    assert "Revoked" in wallet


def test_claim_records_one_claim_event(client, world, issue, settings):
    import secrets

    from microcred_web.common.hashing import token_hash

    credential = issue(claim=False)
    token = secrets.token_urlsafe(24)
    credential.claim_token_hash = token_hash(token)
    credential.save(update_fields=["claim_token_hash"])
    client.force_login(world.people["learner"])
    response = client.post(reverse("issuing:claim", kwargs={"token": token}), {"action": "claim"})
    assert response.status_code == 302
    assert events(kind="claim") == [("claim", "")]
    credential.refresh_from_db()
    assert credential.recipient_user_id == world.people["learner"].pk
    assert credential.is_public is False  # claiming does not publish
