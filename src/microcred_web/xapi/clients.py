"""xAPI clients: an organisation administrator creates a key and secret (the secret is shown
once and stored as a SHA-256 hash) and revokes them; an LRS client sends them as HTTP Basic
credentials, as the xAPI specification's authentication section expects."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.xapi.models import XapiClient

KEY_PREFIX = "mcxapi_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def client_list(*, organisation: Organisation) -> QuerySet[XapiClient]:
    return XapiClient.objects.filter(organisation=organisation).select_related("created_by")


@transaction.atomic
def client_create(
    *, organisation: Organisation, name: str, actor: User | None
) -> tuple[XapiClient, str]:
    """A new client and its secret (returned once, never stored)."""
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the client a name."), "name")
    secret = secrets.token_urlsafe(32)
    client = XapiClient.objects.create(
        organisation=organisation,
        name=name[:100],
        key=KEY_PREFIX + secrets.token_hex(12),
        secret_hash=token_hash(secret),
        created_by=actor,
    )
    audit_record(
        action="xapi.client_created",
        actor=actor,
        organisation=organisation,
        target=client,
        data={"name": client.name, "key": client.key},
    )
    return client, secret


@transaction.atomic
def client_revoke(*, client: XapiClient, actor: User) -> XapiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            action="xapi.client_revoked",
            actor=actor,
            organisation=client.organisation,
            target=client,
            data={"key": client.key},
        )
    return client


def client_authenticate(authorization: str) -> XapiClient | None:
    """The live client named by an ``Authorization: Basic …`` header, or None."""
    scheme, _space, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, colon, secret = decoded.partition(":")
    if not colon:
        return None
    client = (
        XapiClient.objects.filter(key=key, revoked_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    if client is None or client.organisation.is_suspended:
        return None
    if not hmac.compare_digest(client.secret_hash, token_hash(secret)):
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        XapiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
