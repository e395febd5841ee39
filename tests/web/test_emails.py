"""The e-mail machinery: branded HTML + text in the recipient's language, the one-click
unsubscribe (RFC 8058) honoured, and the account e-mails (password reset, invitation)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

from microcred_web.common.email import email_render, language_for
from microcred_web.common.models import AuditEvent
from microcred_web.common.templatetags.localised import localised_text
from microcred_web.notifications.models import Notification, NotificationPreference
from microcred_web.notifications.services import notification_send
from microcred_web.orgs import services as org_services


def _unsubscribe_path(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


def test_a_notification_e_mail_is_branded_and_can_be_unsubscribed_in_one_click(
    world, branded_email, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            organisation=world.org,
            user=learner,
            kind="due_soon",
            title="Something is due",
            body="Have a look.",
            url="/o/acme/evidence/",
        )
    [message] = mail.outbox
    branded_email(
        message,
        greeting="Hello Test Person,",
        button_path="/o/acme/evidence/",
        organisation=world.org,
        essential=False,
        preferences=True,
    )
    path = _unsubscribe_path(message)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and "unsubscribe-button" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=learner).exists()
    # the mail provider's one-click POST: no session, no CSRF token
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and 'id="unsubscribed"' in done.content.decode()
    preference = NotificationPreference.objects.get(user=learner, kind="due_soon")
    assert preference.email is False and preference.in_app is True
    assert AuditEvent.objects.filter(action="notifications.unsubscribed", actor=learner).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(organisation=world.org, user=learner, kind="due_soon", title="Due again")
        notification_send(organisation=world.org, user=learner, kind="feedback", title="Other")
    assert [m.subject for m in mail.outbox] == ["[Acme Training] Other"]  # only that kind stops
    assert Notification.objects.filter(user=learner, title="Due again").exists()


def test_a_forged_or_altered_unsubscribe_link_does_nothing(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            organisation=world.org, user=world.people["learner"], kind="feedback", title="x"
        )
    path = _unsubscribe_path(mail.outbox[0])
    # another person's id under the same signature is refused
    altered = path.replace("unsubscribe/", "unsubscribe/x")
    assert Client().post(altered).status_code == 404
    assert Client().post("/notifications/unsubscribe/forged").status_code == 404
    assert not NotificationPreference.objects.exists()


def test_e_mails_follow_the_recipient_language_not_the_sender(
    world, branded_email, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    learner.preferred_language = "fr"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            organisation=world.org, user=learner, kind="feedback", title="T", url="/o/acme/"
        )
    [message] = mail.outbox
    branded_email(
        message,
        greeting="Bonjour Test Person,",
        button_path="/o/acme/",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert "Préférences de notification" in message.body
    assert "Notification preferences" not in message.body
    assert language_for(user=learner, organisation=world.org) == "fr"
    world.org.default_language = "fr"
    assert language_for(user=world.people["admin"], organisation=world.org) == "fr"


def test_password_reset_e_mail_in_french_for_a_french_person(
    client, world, branded_email, django_capture_on_commit_callbacks
) -> None:
    person = world.people["learner"]
    person.preferred_language = "fr"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": person.email})
    [message] = mail.outbox
    branded_email(
        message,
        greeting="Bonjour Test Person,",
        button_path="/accounts/reset/",
        organisation=None,
        essential=True,
        preferences=False,
        language="fr",
    )
    assert message.subject == "Réinitialisez votre mot de passe microcred"


def test_invitation_e_mail_in_the_organisation_language(
    world, branded_email, django_capture_on_commit_callbacks
) -> None:
    world.org.default_language = "fr"
    world.org.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = org_services.invitation_create(
            organisation=world.org,
            email="newcomer@example.org",
            roles=["learner"],
            actor=world.people["admin"],
        )
    [message] = mail.outbox
    button = branded_email(
        message,
        greeting="Bonjour newcomer@example.org,",
        button_path="/invitations/",
        organisation=world.org,
        essential=True,
        preferences=False,
        language="fr",
    )
    assert token in button
    assert "Acme Training" in message.subject and "invité" in message.subject
    assert re.search(r"Vos rôles\s*:\s*Apprenant", message.body), message.body


def test_localised_names_and_english_fallback(world) -> None:
    class Thing:
        language = "en"
        name = "Forklift safety"
        translations = {"fr": {"name": "Sécurité chariot"}}

    assert localised_text(Thing(), "name", "fr") == "Sécurité chariot"
    assert localised_text(Thing(), "name", "fr-ca") == "Sécurité chariot"
    assert localised_text(Thing(), "name", "en") == "Forklift safety"
    assert localised_text(Thing(), "name", "de") == "Forklift safety"


def test_layout_uses_a_readable_button_colour_and_escapes_names(world) -> None:
    world.org.primary_colour = "#f2f2f2"  # light: the button text turns black
    rendered = email_render(
        template="notifications/email/notification",
        language="en",
        organisation=world.org,
        greeting_name="<script>Eve</script>",
        button_url="/o/acme/",
        context={"title": "T", "body": ""},
    )
    assert "color:#000000" in rendered.html
    assert "<script>Eve" not in rendered.html and "&lt;script&gt;Eve" in rendered.html
    assert "Hello <script>Eve</script>," in rendered.text  # plain text is not HTML-escaped
    assert rendered.headers == {}  # no unsubscribe URL: an essential e-mail


def test_preferences_page_says_which_e_mails_are_always_sent(client, world) -> None:
    learner = world.people["learner"]
    learner.preferred_language = "fr"
    learner.save()
    client.force_login(learner)
    page = client.get("/o/acme/notifications/preferences/").content.decode()
    assert 'id="essential-emails"' in page and "toujours envoyés" in page
