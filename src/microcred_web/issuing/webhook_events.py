"""What credential events tell webhook receivers (``data`` of the Standard Webhooks payload)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse

from microcred_web.common.domain_events import domain_events_emit
from microcred_web.issuing.identity import absolute_url

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _url_of() -> Any:
    """A function public_id → the credential's URL (one reverse() per batch)."""
    prefix, _s, suffix = absolute_url(
        reverse("issuing:credential", kwargs={"public_id": _PLACEHOLDER})
    ).partition(_PLACEHOLDER)
    return lambda public_id: f"{prefix}{public_id}{suffix}"


def credential_data(
    *,
    public_id: Any,
    url: str,
    achievement: str,
    email: str | None,
    name: str,
    did: str | None,
    **extra: Any,
) -> dict[str, Any]:
    recipient = {"email": email or None, "name": name or None, "did": did or None}
    return {
        "credential": {"id": str(public_id), "url": url, "achievement": achievement},
        "recipient": recipient,
        **extra,
    }


def credentials_event_emit(
    *, organisation_id: int, event_type: str, credentials: Iterable[Any], **extra: Any
) -> None:
    """Announce ``event_type`` for each of ``credentials`` (model rows)."""
    url_of = _url_of()
    items: Sequence[dict[str, Any]] = [
        credential_data(
            public_id=c.public_id,
            url=url_of(c.public_id),
            achievement=c.achievement_version.name,
            email=c.recipient_email,
            name=c.recipient_name,
            did=c.recipient_did,
            **extra,
        )
        for c in credentials
    ]
    domain_events_emit(organisation_id=organisation_id, event_type=event_type, items=items)


def credential_seen_emit(*, credential: Any, event_type: str, **extra: Any) -> None:
    """``credential.viewed`` / ``credential.verified``: the credential's own fields only (a hot
    path: no further query)."""
    data = {
        "credential": {"id": str(credential.public_id), "url": _url_of()(credential.public_id)},
        **extra,
    }
    domain_events_emit(
        organisation_id=credential.organisation_id, event_type=event_type, items=[data]
    )


def issued_emit(*, organisation_id: int, achievement: str, created: Iterable[Any]) -> None:
    """``credential.issued`` for a stored batch (prepared items, before any re-read)."""
    url_of = _url_of()
    items = [
        credential_data(
            public_id=item.public_id,
            url=url_of(item.public_id),
            achievement=achievement,
            email=item.recipient.email,
            name=item.recipient.name,
            did=item.recipient.did,
        )
        for item in created
    ]
    domain_events_emit(organisation_id=organisation_id, event_type="credential.issued", items=items)
