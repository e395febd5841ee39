"""Writes owned by the wallet: privacy choices, imports, share links, e-mail shares.

Every function checks that ``user`` holds the credential (``recipient_user``) and raises
ApplicationError otherwise (404: someone else's credential is not revealed).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.achievements.selectors import achievement_version_image_path
from microcred_web.analytics.services import event_record
from microcred_web.common.email import email_queue, email_render, language_for
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.models import AuditEvent
from microcred_web.common.services import audit_record
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import Credential
from microcred_web.wallet import importing, selectors
from microcred_web.wallet.models import (
    ImportedCredential,
    ShareLink,
    WalletProfile,
    handle_validator,
)

#: e-mail shares one person may send per hour (protects recipients from being spammed)
EMAIL_SHARES_PER_HOUR = 10
RESERVED_HANDLES = frozenset({"admin", "api", "wallet", "verify", "static", "media", "me"})


def _holder_check(*, credential: Credential, user: Any) -> None:
    if credential.recipient_user_id is None or credential.recipient_user_id != user.pk:
        raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)


# --------------------------------------------------------------------------- profile


@transaction.atomic
def wallet_profile_update(*, user: Any, handle: str, headline: str = "") -> WalletProfile:
    """Set the public profile address (empty: no public profile) and headline."""
    value = handle.strip().lower()
    if value:
        try:
            handle_validator(value)
        except Exception as exc:
            raise ApplicationError(
                "handle_invalid", str(handle_validator.message), "handle"
            ) from exc
        if value in RESERVED_HANDLES:
            raise ApplicationError("handle_taken", _("This address is taken."), "handle")
    profile, _created = WalletProfile.objects.get_or_create(user=user)
    profile.handle = value or None
    profile.headline = headline.strip()[:160]
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise ApplicationError("handle_taken", _("This address is taken."), "handle") from exc
    audit_record(action="wallet.profile_updated", actor=user, target=profile)
    return profile


# --------------------------------------------------------------------------- privacy


@transaction.atomic
def credential_visibility_set(*, credential: Credential, user: Any, is_public: bool) -> Credential:
    _holder_check(credential=credential, user=user)
    if credential.is_public != is_public:
        credential.is_public = is_public
        credential.save(update_fields=["is_public"])
        audit_record(
            action="wallet.credential_made_public"
            if is_public
            else "wallet.credential_made_private",
            actor=user,
            target=credential,
        )
    return credential


@transaction.atomic
def credential_evidence_visibility_set(
    *, credential: Credential, user: Any, index: int, shown: bool
) -> Credential:
    _holder_check(credential=credential, user=user)
    evidence = credential.document.get("evidence") or []
    if not 0 <= index < len(evidence):
        raise ApplicationError("no_evidence", _("No such evidence item."), "index", status=404)
    hidden = {i for i in credential.hidden_evidence if isinstance(i, int)}
    hidden = hidden - {index} if shown else hidden | {index}
    credential.hidden_evidence = sorted(hidden)
    credential.save(update_fields=["hidden_evidence"])
    audit_record(
        action="wallet.evidence_shown" if shown else "wallet.evidence_hidden",
        actor=user,
        target=credential,
        data={"index": index},
    )
    return credential


# --------------------------------------------------------------------------- share links


@transaction.atomic
def share_link_create(
    *, credential: Credential, user: Any, label: str = "", request: HttpRequest | None = None
) -> tuple[ShareLink, str]:
    """A new revocable link; the token is returned once (only its hash is stored)."""
    _holder_check(credential=credential, user=user)
    token = secrets.token_urlsafe(24)
    link = ShareLink.objects.create(
        credential=credential,
        owner=user,
        label=label.strip()[:120],
        token_hash=token_hash(token),
        prefix=token[:6],
    )
    audit_record(action="wallet.share_link_created", actor=user, target=link)
    event_record(
        kind="share",
        credential_id=credential.pk,
        organisation_id=credential.organisation_id,
        channel="link",
        request=request,
    )
    return link, token


def share_link_url(token: str) -> str:
    return absolute_url(reverse("wallet:shared", kwargs={"token": token}))


@transaction.atomic
def share_link_revoke(*, link: ShareLink, user: Any) -> ShareLink:
    if link.owner_id != user.pk:
        raise ApplicationError("not_found", _("No such share link."), status=404)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(action="wallet.share_link_revoked", actor=user, target=link)
    return link


# --------------------------------------------------------------------------- e-mail


def _emails_sent_recently(user: Any, now: datetime) -> int:
    return AuditEvent.objects.filter(
        actor_id=user.pk,
        action="wallet.credential_emailed",
        created_at__gte=now - timedelta(hours=1),
    ).count()


@transaction.atomic
def credential_email_share(
    *,
    credential: Credential,
    user: Any,
    to: str,
    message: str = "",
    request: HttpRequest | None = None,
) -> str:
    """E-mail a link to the credential. A private credential is shared through a new share
    link (which the holder can revoke); returns the link sent."""
    _holder_check(credential=credential, user=user)
    address = to.strip()
    try:
        validate_email(address)
    except Exception as exc:
        raise ApplicationError("email_invalid", _("Enter a valid e-mail address."), "to") from exc
    if len(message) > 1000:
        raise ApplicationError(
            "message_too_long", _("Keep the message under 1,000 characters."), "message"
        )
    now = timezone.now()
    if _emails_sent_recently(user, now) >= EMAIL_SHARES_PER_HOUR:
        raise ApplicationError(
            "rate_limited",
            _("You have sent %(n)d e-mails in the last hour: please wait a little.")
            % {"n": EMAIL_SHARES_PER_HOUR},
            "to",
            status=429,
        )
    if credential.is_public:
        url = absolute_url(
            reverse("issuing:credential", kwargs={"public_id": credential.public_id})
        )
    else:
        _link, token = share_link_create(
            credential=credential, user=user, label=_("E-mail to %(to)s") % {"to": address}
        )
        url = share_link_url(token)
    version = credential.achievement_version
    rendered = email_render(
        template="wallet/email/share",
        language=language_for(user=user, organisation=credential.organisation),
        organisation=credential.organisation,
        greeting_name="",  # a stranger to us: no name to greet
        button_url=url,
        context={
            "sender": getattr(user, "display_name", "") or user.email,
            "achievement": version,
            "issuer": credential.organisation.name,
            "message": message.strip(),
        },
        badge_url=achievement_version_image_path(version),
    )
    email_queue(email=rendered, to=[address])
    audit_record(
        action="wallet.credential_emailed", actor=user, target=credential, data={"to": address}
    )
    event_record(
        kind="share",
        credential_id=credential.pk,
        organisation_id=credential.organisation_id,
        channel="email",
        request=request,
    )
    return url


# --------------------------------------------------------------------------- imports


def _store_import(
    *, user: Any, read: importing.ReadCredential, source_url: str = "", source_format: str = ""
) -> ImportedCredential:
    facts = importing.summary(read.document)
    now = timezone.now()
    with transaction.atomic():
        imported = ImportedCredential.objects.create(
            owner=user,
            source_format=source_format or read.source_format,
            source_url=source_url,
            payload=read.payload,
            label=read.label,
            checks=[c.to_json() for c in read.report.checks],
            verified_at=now,
            checked_at=now,
            **facts,
        )
        audit_record(
            action="wallet.credential_imported",
            actor=user,
            target=imported,
            data={"format": imported.source_format, "label": imported.label},
        )
    return imported


def credential_import(
    *, user: Any, data: bytes, fetch: importing.Fetch | None = None
) -> ImportedCredential:
    """Import an uploaded file (JSON, JWT, baked PNG/SVG), verified and labelled."""
    read = importing.read_credential(data, now=timezone.now(), field="file", fetch=fetch)
    return _store_import(user=user, read=read)


def credential_import_url(
    *, user: Any, url: str, fetch: importing.Fetch | None = None
) -> ImportedCredential:
    """Import a hosted OB 2.0 assertion from its https URL (fetched through the guard)."""
    body = importing.fetch_hosted(url, field="url", fetch=fetch)
    read = importing.read_credential(body, now=timezone.now(), field="url", fetch=fetch)
    return _store_import(user=user, read=read, source_url=url.strip(), source_format="url")


def _replace_import(
    *, imported: ImportedCredential, user: Any, read: importing.ReadCredential
) -> ImportedCredential:
    now = timezone.now()
    with transaction.atomic():
        for name, value in importing.summary(read.document).items():
            setattr(imported, name, value)
        imported.source_format = read.source_format
        imported.payload = read.payload
        imported.label = read.label
        imported.checks = [c.to_json() for c in read.report.checks]
        imported.verified_at = imported.checked_at = now
        imported.label_since = None
        imported.save()
        audit_record(
            action="wallet.credential_replaced",
            actor=user,
            target=imported,
            data={"format": imported.source_format, "label": imported.label},
        )
    return imported


def credential_upsert(
    *, user: Any, data: bytes, require_valid: bool = True
) -> tuple[ImportedCredential, bool]:
    """A credential pushed by another system (OB 3.0 upsertCredential): verified exactly as an
    upload is, kept only if it verifies, replacing the import of the same credential (same
    issuer and id) if there is one. Returns the import and whether it is new.

    ``require_valid=False`` is for credentials the person takes from another host themselves
    (OB 3.0 getCredentials): kept with their label, as an upload is."""
    read = importing.read_credential(data, now=timezone.now(), field="credential")
    if require_valid and read.report.verdict != "valid":
        failed = [c.reason for c in read.report.checks if c.status == "fail"]
        raise ApplicationError(
            "credential_not_verified",
            _("The credential did not verify: %(reasons)s")
            % {"reasons": " ".join(failed) or read.report.verdict},
            field="credential",
        )
    facts = importing.summary(read.document)
    credential_id = read.document.get("id")
    existing = selectors.imported_same_as(
        user=user,
        issuer_id=facts["issuer_id"],
        credential_id=credential_id if isinstance(credential_id, str) else "",
    )
    if existing is not None:
        return _replace_import(imported=existing, user=user, read=read), False
    return _store_import(user=user, read=read), True


@transaction.atomic
def imported_visibility_set(
    *, imported: ImportedCredential, user: Any, is_public: bool
) -> ImportedCredential:
    if imported.owner_id != user.pk:
        raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)
    imported.is_public = is_public
    imported.save(update_fields=["is_public"])
    audit_record(
        action="wallet.imported_made_public" if is_public else "wallet.imported_made_private",
        actor=user,
        target=imported,
    )
    return imported


@transaction.atomic
def imported_delete(*, imported: ImportedCredential, user: Any) -> None:
    if imported.owner_id != user.pk:
        raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)
    audit_record(action="wallet.imported_deleted", actor=user, target=imported)
    imported.delete()


def share_event(*, credential: Credential, user: Any, channel: str, request: HttpRequest) -> None:
    """The holder copied the link or the embed snippet (recorded, nothing else changes)."""
    _holder_check(credential=credential, user=user)
    if channel not in {"copy", "embed"}:
        raise ApplicationError("bad_channel", _("Unknown share channel."), "channel")
    event_record(
        kind="share",
        credential_id=credential.pk,
        organisation_id=credential.organisation_id,
        channel=channel,
        request=request,
    )
