"""Background work of the issuing app: the e-mail that delivers a credential."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from microcred_web.accounts.models import User
from microcred_web.achievements.selectors import achievement_version_image_path
from microcred_web.common.email import (
    email_render,
    language_for,
    preferences_url_for,
    recipient_name,
)
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import BouncedAddress, Credential, DeliveryStatus
from microcred_web.orgs.models import Membership


def credential_email_render(*, credential: Credential, claim_url: str) -> EmailMultiAlternatives:
    """The award e-mail: to a person with an account, in their language, with a link to their
    preferences; otherwise the claim e-mail (no account needed to view the credential), in
    the organisation's language. Both are essential (no unsubscribe) and lead to the claim page.
    """
    organisation = credential.organisation
    version = credential.achievement_version
    address = credential.recipient_email or ""
    account = User.objects.filter(email__iexact=address, is_active=True).first()
    member = account is not None and _is_member(organisation, account)
    rendered = email_render(
        template="issuing/email/awarded" if account else "issuing/email/claim",
        language=language_for(user=account, organisation=organisation),
        organisation=organisation,
        greeting_name=recipient_name(account)
        if account
        else (credential.recipient_name or address),
        button_url=claim_url,
        context={"credential": credential, "achievement": version},
        badge_url=achievement_version_image_path(version),
        preferences_url=preferences_url_for(organisation) if member else "",
    )
    message = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text, to=[address])
    message.attach_alternative(rendered.html, "text/html")
    return message


def _is_member(organisation: Any, user: User) -> bool:
    return Membership.objects.filter(organisation=organisation, user=user, is_active=True).exists()


@task()
def credential_email_send(*, credential_id: int, claim_token: str) -> str:
    """E-mail the recipient a claim link; skipped for addresses that bounced before."""
    credential = (
        Credential.objects.select_related("organisation", "achievement_version")
        .filter(pk=credential_id)
        .first()
    )
    if credential is None or not credential.recipient_email:
        return "missing"
    bounced = BouncedAddress.objects.filter(email=credential.recipient_email).filter(
        Q(organisation__isnull=True) | Q(organisation_id=credential.organisation_id)
    )
    if bounced.exists():
        Credential.objects.filter(pk=credential.pk).update(
            delivery_status=DeliveryStatus.BOUNCED, bounce_reason="address bounced before"
        )
        return "bounced"
    claim_url = absolute_url(reverse("issuing:claim", kwargs={"token": claim_token}))
    credential_email_render(credential=credential, claim_url=claim_url).send()
    Credential.objects.filter(pk=credential.pk, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=DeliveryStatus.SENT, delivered_at=timezone.now()
    )
    return "sent"
