"""Background work owned by the common app: sending e-mail."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task


@task()
def email_send(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    headers: dict[str, str] | None = None,
) -> int:
    """Send one e-mail; runs in the worker (or inline under the immediate backend)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def email_send_on_commit(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an e-mail once the current transaction commits (never for a rolled-back change)."""
    extra = dict(headers or {})
    transaction.on_commit(
        lambda: email_send.enqueue(subject=subject, body=body, to=to, html=html, headers=extra)
    )
