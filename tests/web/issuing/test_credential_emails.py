"""The award e-mail (recipient with an account) and the claim e-mail (without one): branded,
with the badge image, in the recipient's language with the achievement's translated name."""

from __future__ import annotations

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services
from microcred_web.issuing.services import RecipientInput


def _version(world, png_bytes):
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Forklift safety",
            "description": "Drives a forklift safely.",
            "criteria": "Practical test.",
            "translations": {"fr": {"name": "Sécurité chariot élévateur"}},
        },
        image=SimpleUploadedFile("badge.png", png_bytes, content_type="image/png"),
    )
    return achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )


def _issue(world, version, email: str, capture) -> None:
    with capture(execute=True):
        services.credentials_issue(
            organisation=world.org,
            achievement_version=version,
            recipients=[RecipientInput(email=email, name="Noa Newcomer")],
            actor=world.people["issuer"],
            source="test",
        )


def test_award_e_mail_to_a_french_member_is_french_with_the_french_name(
    world, png_bytes, branded_email, django_capture_on_commit_callbacks
) -> None:
    learner = world.people["learner"]
    learner.preferred_language = "fr"
    learner.save()
    version = _version(world, png_bytes)
    _issue(world, version, learner.email, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    branded_email(
        message,
        greeting="Bonjour Test Person,",
        button_path="/claim/",
        organisation=world.org,
        essential=True,
        preferences=True,
        badge=True,
        language="fr",
    )
    html = message.alternatives[0][0]
    assert "Sécurité chariot élévateur" in message.subject
    assert "Sécurité chariot élévateur" in message.body and "Forklift safety" not in message.body
    assert f"/achievements/{version.achievement.public_id}/v1/image" in html
    assert "Voir votre titre" in message.body


def test_claim_e_mail_without_an_account_is_in_english_for_an_english_organisation(
    world, png_bytes, branded_email, django_capture_on_commit_callbacks
) -> None:
    version = _version(world, png_bytes)
    _issue(world, version, "noa@example.org", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    branded_email(
        message,
        greeting="Hello Noa Newcomer,",
        button_path="/claim/",
        organisation=world.org,
        essential=True,
        preferences=False,  # no account: nothing to set
        badge=True,
    )
    assert message.subject == "Acme Training awarded you “Forklift safety”"
    assert "No account is needed to view it" in message.body
