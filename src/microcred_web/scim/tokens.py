"""SCIM bearer tokens: created by an organisation administrator, shown once, stored as a
SHA-256 hash, revocable; each token reaches its own organisation's people and teams only."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.scim.models import ScimToken

TOKEN_PREFIX = "mcscim_"  # noqa: S105 - a public prefix
#: ``last_used_at`` is written at most this often per token (not on every request)
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def token_create(
    *, organisation: Organisation, name: str, actor: User | None, ip: str | None = None
) -> tuple[ScimToken, str]:
    """A new token and its secret value (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the token a name."), "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        organisation=organisation,
        name=name[:100],
        token_hash=token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        created_by=actor,
    )
    audit_record(
        action="scim.token_created",
        actor=actor,
        organisation=organisation,
        target=token,
        data={"name": token.name},
        ip=ip,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ScimToken, actor: User, ip: str | None = None) -> ScimToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="scim.token_revoked",
            actor=actor,
            organisation=token.organisation,
            target=token,
            ip=ip,
        )
    return token


def token_authenticate(authorization: str) -> ScimToken | None:
    """The live token named by an ``Authorization: Bearer …`` header, or None."""
    scheme, _sep, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip().startswith(TOKEN_PREFIX):
        return None
    token = (
        ScimToken.objects.filter(token_hash=token_hash(value.strip()), revoked_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    if token is None or token.organisation.is_suspended:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
