"""Reads for the wallet: one person's credentials (issued here and imported), profiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from microcred.errors import Error as CoreError
from microcred.model.eu_elements import is_eu_alignment
from microcred.verify import decode_input
from microcred_web.analytics.selectors import counts_for_credentials
from microcred_web.common.hashing import token_hash
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.wallet.models import ImportedCredential, ShareLink, WalletProfile

#: the status word a wallet shows for an issued credential's state
_ISSUED_STATUS = {
    CredentialStatus.ACTIVE: "valid",
    CredentialStatus.EXPIRED: "expired",
    CredentialStatus.REVOKED: "revoked",
    CredentialStatus.SUSPENDED: "suspended",
}


@dataclass
class WalletItem:
    """One row of the wallet, whatever its origin."""

    origin: str  # "issued" or "imported"
    public_id: str
    name: str
    issuer: str
    status: str  # valid / expired / revoked / suspended / tampered / unknown_issuer /
    # status_unknown / invalid
    issued_on: datetime | None
    expires_on: datetime | None
    skills: list[str]
    is_public: bool
    detail_url: str
    image_url: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def issued_credentials_of(*, user: Any) -> QuerySet[Credential]:
    """Credentials issued here to ``user`` (by account, or claimed with their address)."""
    return Credential.objects.filter(recipient_user_id=user.pk).select_related(
        "organisation", "achievement_version__achievement"
    )


def issued_credential_of(*, user: Any, public_id: Any) -> Credential | None:
    return issued_credentials_of(user=user).filter(public_id=public_id).first()


def imported_credentials_of(*, user: Any) -> QuerySet[ImportedCredential]:
    return ImportedCredential.objects.filter(owner_id=user.pk)


def imported_credential_of(*, user: Any, public_id: Any) -> ImportedCredential | None:
    return imported_credentials_of(user=user).filter(public_id=public_id).first()


def skills_of(credential: Credential) -> list[str]:
    alignments = credential.achievement_version.achievement_json.get("alignment") or []
    return [
        str(a["targetName"])
        for a in alignments
        if isinstance(a, dict) and a.get("targetName") and not is_eu_alignment(a)
    ]


def _issued_item(credential: Credential, now: datetime) -> WalletItem:
    version = credential.achievement_version
    return WalletItem(
        origin="issued",
        public_id=str(credential.public_id),
        name=version.name,
        issuer=credential.organisation.name,
        status=_ISSUED_STATUS[CredentialStatus(credential.status_at(now))],
        issued_on=credential.issued_at,
        expires_on=credential.valid_until,
        skills=skills_of(credential),
        is_public=credential.is_public,
        detail_url=reverse("wallet:credential", kwargs={"public_id": credential.public_id}),
        image_url=reverse(
            "achievements:public_image",
            kwargs={"public_id": version.achievement.public_id, "number": version.number},
        )
        if version.image
        else "",
    )


def _imported_item(imported: ImportedCredential, now: datetime) -> WalletItem:
    status = imported.label
    if status == "valid" and imported.expires_on is not None and imported.expires_on <= now:
        status = "expired"
    return WalletItem(
        origin="imported",
        public_id=str(imported.public_id),
        name=imported.name or str(imported.public_id),
        issuer=imported.issuer_name,
        status=status,
        issued_on=imported.issued_on,
        expires_on=imported.expires_on,
        skills=[str(s) for s in imported.skills],
        is_public=imported.is_public,
        detail_url=reverse("wallet:imported", kwargs={"public_id": imported.public_id}),
    )


def wallet_items(
    *, user: Any, skill: str = "", issuer: str = "", public_only: bool = False
) -> list[WalletItem]:
    """Everything in ``user``'s wallet, newest first, filtered by skill and issuer name."""
    now = timezone.now()
    issued = issued_credentials_of(user=user)
    imported = imported_credentials_of(user=user)
    if public_only:
        issued, imported = issued.filter(is_public=True), imported.filter(is_public=True)
    credentials = list(issued)
    counts = counts_for_credentials(credential_ids=[c.pk for c in credentials])
    items = []
    for credential in credentials:
        item = _issued_item(credential, now)
        item.counts = counts.get(credential.pk, {})
        items.append(item)
    items += [_imported_item(i, now) for i in imported]
    if skill:
        items = [i for i in items if skill in i.skills]
    if issuer:
        items = [i for i in items if i.issuer == issuer]
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return sorted(items, key=lambda i: i.issued_on or epoch, reverse=True)


def filter_options(items: Iterable[WalletItem]) -> tuple[list[str], list[str]]:
    """(skills, issuers) present in ``items``, sorted, for the filter menus."""
    listed = list(items)
    skills = sorted({s for i in listed for s in i.skills}, key=str.casefold)
    issuers = sorted({i.issuer for i in listed if i.issuer}, key=str.casefold)
    return skills, issuers


def profile_of(*, user: Any) -> WalletProfile | None:
    return WalletProfile.objects.filter(user_id=user.pk).first()


def profile_by_handle(*, handle: str) -> WalletProfile | None:
    if not handle or len(handle) > 40:
        return None
    return WalletProfile.objects.select_related("user").filter(handle=handle.lower()).first()


def share_links_of(*, credential: Credential) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(credential=credential)


def share_link_of(*, user: Any, link_id: int) -> ShareLink | None:
    return ShareLink.objects.filter(owner_id=user.pk, pk=link_id).first()


def share_link_by_token(*, token: str) -> ShareLink | None:
    if not token or len(token) > 100:
        return None
    return (
        ShareLink.objects.select_related("credential__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )


# --------------------------------------------------------------------------- for other hosts

#: import labels whose credential is not handed to other systems (its proof did not hold)
_NOT_SHARED_LABELS = ("tampered", "invalid")


@dataclass(frozen=True)
class HeldCredential:
    """A credential as another system receives it: JSON text or a compact JWS."""

    text: str
    is_jws: bool


def held_credentials_page(
    *, user: Any, since: datetime | None, offset: int, limit: int
) -> tuple[int, list[HeldCredential]]:
    """``user``'s credentials (issued here and imported), oldest first: the total and one page.
    Imports whose proof failed are left out. One query (issued UNION ALL imported, paged in the
    database); a second one counts only when the page does not tell the total."""
    issued = Credential.objects.filter(recipient_user_id=user.pk)
    imported = (
        imported_credentials_of(user=user)
        .exclude(label__in=_NOT_SHARED_LABELS)
        .annotate(held_at=Coalesce("issued_on", "created_at"))
    )
    if since is not None:
        issued = issued.filter(issued_at__gt=since)
        imported = imported.filter(held_at__gt=since)
    issued_rows = issued.annotate(
        held_at=F("issued_at"), kind=Value("issued", CharField()), text=F("signed_json")
    ).values_list("held_at", "kind", "pk", "text")
    imported_rows = imported.annotate(
        kind=Value("imported", CharField()), text=F("payload")
    ).values_list("held_at", "kind", "pk", "text")
    rows = issued_rows.order_by().union(imported_rows.order_by(), all=True)
    page = list(rows.order_by("held_at", "kind", "pk")[offset : offset + limit])
    page_tells_total = len(page) < limit and (page or offset == 0)
    total = offset + len(page) if page_tells_total else rows.count()
    held = [
        HeldCredential(text, kind == "imported" and not text.lstrip().startswith("{"))
        for _when, kind, _pk, text in page
    ]
    return total, held


def held_credential_of(*, user: Any, origin: str, public_id: Any) -> HeldCredential | None:
    """One of ``user``'s credentials as another system receives it (None if not theirs, or an
    import whose proof failed)."""
    if origin == "issued":
        credential = issued_credential_of(user=user, public_id=public_id)
        return HeldCredential(credential.signed_json, False) if credential else None
    if origin == "imported":
        imported = (
            imported_credentials_of(user=user)
            .exclude(label__in=_NOT_SHARED_LABELS)
            .filter(public_id=public_id)
            .first()
        )
        if imported is not None:
            return HeldCredential(imported.payload, not imported.payload.lstrip().startswith("{"))
    return None


def shareable_items(*, user: Any) -> list[WalletItem]:
    """The wallet's items that may be handed to another system (proof not failed)."""
    return [i for i in wallet_items(user=user) if i.status not in _NOT_SHARED_LABELS]


def imported_same_as(*, user: Any, issuer_id: str, credential_id: str) -> ImportedCredential | None:
    """The import of ``user`` that is the same credential (same issuer and id), if any."""
    if not credential_id:
        return None
    for imported in imported_credentials_of(user=user).filter(issuer_id=issuer_id[:500]):
        try:
            document = decode_input(imported.payload.encode()).document
        except (CoreError, ValueError, UnicodeError):
            continue
        if document.get("id") == credential_id:
            return imported
    return None
