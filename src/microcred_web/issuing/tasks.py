"""Background work of the issuing app: the e-mail that delivers a credential."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import BouncedAddress, Credential, DeliveryStatus


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
    language = credential.achievement_version.language or "en"
    with translation.override(language):
        context = {
            "credential": credential,
            "claim_url": claim_url,
            "organisation": credential.organisation,
            "achievement": credential.achievement_version,
        }
        subject = render_to_string("issuing/email/credential_subject.txt", context).strip()
        body = render_to_string("issuing/email/credential.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[credential.recipient_email]).send()
    Credential.objects.filter(pk=credential.pk, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=DeliveryStatus.SENT, delivered_at=timezone.now()
    )
    return "sent"
