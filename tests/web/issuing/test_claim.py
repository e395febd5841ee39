"""Claiming a credential from the e-mailed link: with a new account, by signing in, or
signed in already."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput

NEW_PASSWORD = "a-long-pass-phrase-77"


def issue_to(world, version, email: str, capture) -> tuple[Credential, str]:
    with capture(execute=True):
        [credential] = services.credentials_issue(
            organisation=world.org,
            achievement_version=version,
            recipients=[RecipientInput(email=email, name="Noa Newcomer")],
            actor=world.people["issuer"],
            source="test",
        )
    match = re.search(r"https?://\S+(/claim/\S+)", mail.outbox[-1].body)
    assert match is not None
    return credential, match.group(1)


def test_service_creates_the_account_for_the_recipient_address(
    world, version, django_capture_on_commit_callbacks
):
    credential, _path = issue_to(
        world, version, "Noa@Example.org", django_capture_on_commit_callbacks
    )
    claimed = services.credential_claim_new_account(
        credential=credential, display_name="Noa Newcomer", password=NEW_PASSWORD
    )
    user = User.objects.get(email="noa@example.org")
    assert claimed.recipient_user == user and claimed.claimed_at is not None
    assert user.check_password(NEW_PASSWORD) and user.display_name == "Noa Newcomer"
    assert AuditEvent.objects.filter(action="accounts.user_created", actor=user).exists()
    assert AuditEvent.objects.filter(action="issuing.credential_claimed", actor=user).exists()


def test_service_refuses_an_existing_account_and_a_weak_password(
    world, version, django_capture_on_commit_callbacks
):
    credential, _path = issue_to(
        world, version, "learner@acme.example", django_capture_on_commit_callbacks
    )
    with pytest.raises(ApplicationError) as exists:
        services.credential_claim_new_account(
            credential=credential, display_name="Lee", password=NEW_PASSWORD
        )
    assert exists.value.code == "account_exists"
    other, _path = issue_to(world, version, "weak@example.org", django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError) as weak:
        services.credential_claim_new_account(credential=other, display_name="Wes", password="123")
    assert weak.value.field == "password1"
    assert not User.objects.filter(email="weak@example.org").exists()
    other.refresh_from_db()
    assert other.recipient_user is None


def test_sign_up_on_the_claim_page_attaches_the_credential(
    client, world, version, django_capture_on_commit_callbacks
):
    credential, path = issue_to(
        world, version, "noa@example.org", django_capture_on_commit_callbacks
    )
    page = client.get(path)
    assert page.status_code == 200
    assert b"Create your account to keep it" in page.content
    assert b"noa@example.org" in page.content
    mismatch = client.post(
        path,
        {
            "action": "create",
            "display_name": "Noa",
            "password1": NEW_PASSWORD,
            "password2": "something-else-99",
        },
    )
    assert mismatch.status_code == 400 and b"The two passwords differ" in mismatch.content
    assert not User.objects.filter(email="noa@example.org").exists()
    response = client.post(
        path,
        {
            "action": "create",
            "display_name": "Noa Newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "email": "attacker@example.org",  # ignored: the address is the credential's
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/{credential.public_id}"
    credential.refresh_from_db()
    assert credential.recipient_user is not None
    assert credential.recipient_user.email == "noa@example.org"
    assert not User.objects.filter(email="attacker@example.org").exists()
    mine = client.get("/credentials/mine/", follow=True)  # signed in as the new account (wallet)
    assert mine.status_code == 200 and str(credential.public_id).encode() in mine.content


def test_existing_account_signs_in_on_the_claim_page(
    client, world, version, password, django_capture_on_commit_callbacks
):
    credential, path = issue_to(
        world, version, "learner@acme.example", django_capture_on_commit_callbacks
    )
    page = client.get(path)
    assert b"Sign in to keep it" in page.content and b"Create your account" not in page.content
    wrong = client.post(path, {"action": "sign_in", "password": "not-the-password"})
    assert wrong.status_code == 400 and b"This password is not right" in wrong.content
    credential.refresh_from_db()
    assert credential.recipient_user is None
    assert AuditEvent.objects.filter(action="accounts.sign_in_failed").exists()
    # an account can only be created for an address nobody has yet
    refused = client.post(
        path,
        {
            "action": "create",
            "display_name": "X",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 400
    assert response_ok(client.post(path, {"action": "sign_in", "password": password}))
    credential.refresh_from_db()
    assert credential.recipient_user == world.people["learner"]


def response_ok(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/credentials/")


def test_signed_in_with_another_address_cannot_claim(
    client, world, version, django_capture_on_commit_callbacks
):
    credential, path = issue_to(
        world, version, "learner@acme.example", django_capture_on_commit_callbacks
    )
    client.force_login(world.people["issuer"])
    page = client.get(path)
    assert b"signed in with another e-mail address" in page.content
    refused = client.post(path, {"action": "claim"})
    assert refused.status_code == 403
    credential.refresh_from_db()
    assert credential.recipient_user is None
    client.force_login(world.people["learner"])
    assert response_ok(client.post(path, {"action": "claim"}))
    credential.refresh_from_db()
    assert credential.recipient_user == world.people["learner"]


def test_view_the_credential_on_the_claim_page_works_without_an_account(
    client, world, version, django_capture_on_commit_callbacks
):
    """Issue 16: the e-mail says no account is needed to view it; the claim page's "View the
    credential" button was a 404 for the (anonymous) recipient of a private credential."""
    credential, path = issue_to(
        world, version, "viewer@example.org", django_capture_on_commit_callbacks
    )
    assert not credential.is_public
    page = client.get(path)
    assert page.status_code == 200
    view_url = f"/credentials/{credential.public_id}"
    assert f'href="{view_url}' in page.content.decode()
    shown = client.get(view_url, follow=True)
    assert shown.status_code == 200
    assert version.name in shown.content.decode()
    # only the browser that opened the claim link: a stranger still gets the 404
    client.logout()
    client.cookies.clear()
    assert client.get(view_url, follow=True).status_code == 404
