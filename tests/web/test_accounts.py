from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from microcred_web.accounts.models import SignInFailure, User
from microcred_web.common.models import AuditEvent

SIGN_IN = "/accounts/sign-in/"


PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def person(db) -> User:
    return User.objects.create_user("zoe@example.com", PASSWORD, display_name="Zoë Dubois")


def sign_in(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_user_signs_in_with_email_and_lands_home(client, person) -> None:
    response = sign_in(client, "ZOE@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert AuditEvent.objects.filter(action="accounts.signed_in", actor=person).exists()


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client, person) -> None:
    response = sign_in(client, person.email, "nope")
    assert response.status_code == 400
    assert "The e-mail address or the password is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_throttle_the_sixth_attempt_even_with_the_right_password(
    client, person
) -> None:
    for _ in range(5):
        assert sign_in(client, person.email, "wrong-password").status_code == 400
    response = sign_in(client, person.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.sign_in_throttled")
    assert event.data["email"] == person.email
    assert event.ip_hash and "10.0.0.1" not in event.ip_hash  # hashed, never raw


def test_throttle_is_per_email_and_client(client, person) -> None:
    for _ in range(5):
        sign_in(client, person.email, "wrong-password", ip="10.0.0.1")
    assert sign_in(client, person.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_throttle_is_stored_in_the_database_and_cleared_by_success(client, person) -> None:
    for _ in range(3):
        sign_in(client, person.email, "wrong-password")
    assert SignInFailure.objects.count() == 3
    assert sign_in(client, person.email, PASSWORD).status_code == 302
    assert SignInFailure.objects.count() == 0


def test_sign_in_form_errors_name_the_field(client, db) -> None:
    response = client.post(SIGN_IN, {"email": "not-an-email", "password": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_password_error"' in html


def test_sign_out_needs_post_and_signs_out(client, person) -> None:
    client.force_login(person)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link_after_commit(
    client, person, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "Zoe@Example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new_password = "a-much-better-passphrase-42"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)
    assert AuditEvent.objects.filter(action="accounts.password_reset_requested").count() == 1


def test_password_reset_for_unknown_address_sends_nothing_but_looks_the_same(
    client, db, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_profile_updates_name_and_language(client, person) -> None:
    client.force_login(person)
    response = client.post(
        "/accounts/profile/", {"display_name": "Zoé D.", "preferred_language": "fr"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.preferred_language) == ("Zoé D.", "fr")
    assert response.cookies["django_language"].value == "fr"
    page = client.get("/accounts/profile/")
    assert page["Content-Language"] == "fr"
    assert "Mon profil" in page.content.decode()
    event = AuditEvent.objects.get(action="accounts.profile_updated")
    assert event.data == {"display_name": "Zoé D.", "preferred_language": "fr"}


def test_profile_errors_name_the_field(client, person) -> None:
    client.force_login(person)
    response = client.post("/accounts/profile/", {"display_name": "", "preferred_language": "xx"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_display_name_error"' in html
    assert 'id="id_preferred_language_error"' in html


def test_language_switch_for_visitors_sets_the_cookie(client, db) -> None:
    response = client.post("/language/", {"language": "fr", "next": "/accounts/sign-in/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"
    page = client.get("/accounts/sign-in/")
    assert "Se connecter" in page.content.decode()


def test_language_switch_refuses_unknown_language_and_external_next(client, person) -> None:
    client.force_login(person)
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    person.refresh_from_db()
    assert person.preferred_language == "en"
    assert client.post("/language/", {"language": "tlh"}).status_code == 400
