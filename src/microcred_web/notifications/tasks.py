"""Background work of notifications: the e-mail copy of a notification."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def notification_email_send(
    *, email: str, organisation: str, title: str, body: str = "", url: str = ""
) -> str:
    link = url if url.startswith("http") else str(settings.BASE_URL).rstrip("/") + url
    text = "\n\n".join(part for part in (body, link if url else "") if part)
    send_mail(f"[{organisation}] {title}", text or title, None, [email])
    return "sent"
