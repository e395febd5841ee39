"""Reads for issuing. Organisation-scoped queries take the organisation explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from microcred_web.common.hashing import token_hash
from microcred_web.issuing.models import (
    ApiKey,
    Credential,
    DeliveryStatus,
    IssuerKey,
    IssuerProfile,
)
from microcred_web.orgs.models import Organisation


def credential_list(
    *, organisation: Organisation, search: str = "", status: str = "", achievement_id: Any = None
) -> QuerySet[Credential]:
    queryset = Credential.objects.filter(organisation=organisation).select_related(
        "achievement_version", "organisation"
    )
    if search.strip():
        term = search.strip()
        queryset = queryset.filter(
            Q(recipient_email__icontains=term)
            | Q(recipient_name__icontains=term)
            | Q(recipient_did__icontains=term)
        )
    if achievement_id:
        queryset = queryset.filter(achievement_version__achievement_id=achievement_id)
    now = timezone.now()
    if status == "bounced":
        queryset = queryset.filter(delivery_status=DeliveryStatus.BOUNCED)
    elif status == "revoked":
        queryset = queryset.filter(revoked_at__isnull=False)
    elif status == "suspended":
        queryset = queryset.filter(revoked_at__isnull=True, suspended_at__isnull=False)
    elif status == "expired":
        queryset = queryset.filter(
            revoked_at__isnull=True, suspended_at__isnull=True, valid_until__lte=now
        )
    elif status == "active":
        queryset = queryset.filter(revoked_at__isnull=True, suspended_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
    return queryset


def credential_get(*, organisation: Organisation, public_id: Any) -> Credential | None:
    return credential_list(organisation=organisation).filter(public_id=public_id).first()


def credentials_by_ids(*, organisation: Organisation, public_ids: list[Any]) -> list[Credential]:
    return list(credential_list(organisation=organisation).filter(public_id__in=public_ids))


def credential_by_source_key(*, organisation: Organisation, source_key: str) -> Credential | None:
    return credential_list(organisation=organisation).filter(source_key=source_key).first()


def credential_public_get(*, public_id: Any) -> Credential | None:
    """A credential by its public address (the holder shares it: no organisation check)."""
    return (
        Credential.objects.select_related("organisation", "achievement_version__achievement")
        .filter(public_id=public_id)
        .first()
    )


def credential_by_claim_token(*, token: str) -> Credential | None:
    if not token or len(token) > 100:
        return None
    return (
        Credential.objects.select_related("organisation", "achievement_version")
        .filter(claim_token_hash=token_hash(token))
        .exclude(claim_token_hash="")  # names the partial index's condition (SQLite needs it)
        .first()
    )


def credentials_of_user(*, user: Any) -> QuerySet[Credential]:
    return Credential.objects.filter(recipient_user_id=user.pk).select_related(
        "organisation", "achievement_version"
    )


def issuer_profile_get(*, organisation: Organisation) -> IssuerProfile | None:
    return IssuerProfile.objects.filter(organisation=organisation).first()


def issuer_key_list(*, organisation: Organisation) -> QuerySet[IssuerKey]:
    return IssuerKey.objects.filter(organisation=organisation).defer("secret_ciphertext")


def issuer_key_get(*, organisation: Organisation, key_id: int) -> IssuerKey | None:
    return issuer_key_list(organisation=organisation).filter(pk=key_id).first()


def api_key_list(*, organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation=organisation).select_related("created_by")


def api_key_get(*, organisation: Organisation, api_key_id: int) -> ApiKey | None:
    return api_key_list(organisation=organisation).filter(pk=api_key_id).first()


def api_key_authenticate(*, key: str) -> ApiKey | None:
    """The active API key ``key`` is, or None (only its hash is compared)."""
    if not key or len(key) > 200:
        return None
    api_key = (
        ApiKey.objects.select_related("organisation")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True)
        .first()
    )
    if api_key is not None:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key


#: notes other apps add to the credential pages ("superseded by a renewal"), bound late:
#: each is a dotted path to ``f(credential) -> [{"kind", "text", "url"}]`` of a higher layer
CREDENTIAL_NOTE_PROVIDERS = (
    ("microcred_web.assessments", "microcred_web.assessments.selectors.credential_notes"),
)


def credential_notes(credential: Credential) -> list[dict[str, str]]:
    from django.apps import apps
    from django.utils.module_loading import import_string

    notes: list[dict[str, str]] = []
    for app, provider in CREDENTIAL_NOTE_PROVIDERS:
        if apps.is_installed(app):
            notes.extend(import_string(provider)(credential))
    return notes


@dataclass(frozen=True)
class CredentialCounts:
    total: int
    recent: int
    unclaimed: int
    withdrawn: int


def credential_counts(*, organisation: Organisation, since: datetime) -> CredentialCounts:
    """Issued in all and since ``since``; not claimed yet (and not revoked); revoked or
    suspended now — one query."""
    row = Credential.objects.filter(organisation=organisation).aggregate(
        total=Count("pk"),
        recent=Count("pk", filter=Q(issued_at__gte=since)),
        unclaimed=Count("pk", filter=Q(claimed_at__isnull=True, revoked_at__isnull=True)),
        withdrawn=Count("pk", filter=Q(revoked_at__isnull=False) | Q(suspended_at__isnull=False)),
    )
    return CredentialCounts(row["total"], row["recent"], row["unclaimed"], row["withdrawn"])
