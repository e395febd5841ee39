"""Issuer signing keys: creation, rotation, compromise, and loading for a batch.

The active key is the newest one neither retired nor compromised. Its secret is decrypted
once per batch (:func:`signing_key_for`) and never leaves the process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.keys import KeyPair, PublicKey
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing import keystore
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import IssuerKey, StatusList
from microcred_web.issuing.signals import issuer_key_compromised
from microcred_web.orgs.models import Organisation
from microcred_web.transparency.services import key_rotation_log


def _aad(key: IssuerKey) -> bytes:
    return keystore.associated_data(organisation_id=key.organisation_id, key_id=key.key_id)


def _new_key(*, organisation: Organisation, now: datetime) -> IssuerKey:
    did = issuer_did(organisation)
    pair = KeyPair.generate_ed25519(controller=did)
    multibase = pair.public.to_multibase()
    key = IssuerKey(
        organisation=organisation, key_id=multibase, public_multibase=multibase, created_at=now
    )
    key.secret_ciphertext = keystore.seal(pair.secret, aad=_aad(key))
    key.save()
    return key


@transaction.atomic
def issuer_key_create(
    *, organisation: Organisation, actor: object = None, now: datetime | None = None
) -> IssuerKey:
    """A new Ed25519 key; it becomes the active one (older active keys are retired)."""
    moment = now or timezone.now()
    IssuerKey.objects.filter(
        organisation=organisation, retired_at__isnull=True, compromised_after__isnull=True
    ).update(retired_at=moment, retirement_reason="rotated")
    key = _new_key(organisation=organisation, now=moment)
    key_rotation_log(
        organisation_id=organisation.pk,
        key_id=f"{issuer_did(organisation)}#{key.key_id}",
        public_multibase=key.public_multibase,
        now=moment,
    )
    audit_record(
        action="issuing.key_created",
        actor=actor,
        organisation=organisation,
        target=key,
        data={"key_id": key.key_id},
    )
    return key


def issuer_key_rotate(
    *, organisation: Organisation, actor: object = None, now: datetime | None = None
) -> IssuerKey:
    """Rotation: a new key signs from now on; the old ones stay published and keep verifying."""
    return issuer_key_create(organisation=organisation, actor=actor, now=now)


@transaction.atomic
def issuer_key_mark_compromised(
    *,
    key: IssuerKey,
    actor: object,
    compromised_after: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> IssuerKey:
    """Signatures by ``key`` created at or after ``compromised_after`` are rejected from now on.

    The key stays in the DID document, so what it signed before that moment keeps verifying.
    If it was the active key, a new key is created so issuing continues. Every status list of
    the organisation is re-signed (lazily, on its next request: its version goes up) with the
    new key, because a list signed by this key after ``compromised_after`` would now fail, and
    with it the status check of every credential, the good ones included.
    """
    moment = now or timezone.now()
    if key.compromised_after is not None:
        raise ApplicationError(
            "key_already_compromised",
            _("This key is already marked compromised."),
            "compromised_after",
            status=409,
        )
    if compromised_after > moment:
        raise ApplicationError(
            "compromised_after_future",
            _("Give a moment in the past: the key stops signing now anyway."),
            "compromised_after",
        )
    was_active = key.is_active
    key.compromised_after = compromised_after
    key.retired_at = key.retired_at or moment
    key.retirement_reason = (reason or "compromised")[:300]
    key.save(update_fields=["compromised_after", "retired_at", "retirement_reason"])
    audit_record(
        action="issuing.key_compromised",
        actor=actor,
        organisation=key.organisation,
        target=key,
        data={
            "key_id": key.key_id,
            "compromised_after": compromised_after.isoformat(),
            "reason": reason,
        },
    )
    if was_active:
        _new_key(organisation=key.organisation, now=moment)
    StatusList.objects.filter(organisation_id=key.organisation_id).update(version=F("version") + 1)
    issuer_key_compromised.send(
        sender=IssuerKey,
        organisation_id=key.organisation_id,
        key_id=key.pk,
        compromised_after=compromised_after,
    )
    return key


def credentials_invalidated_by_compromise() -> dict[str, Any]:
    """Filter for credentials whose signature a compromise invalidated (signed by a
    compromised key at or after its ``compromised_after``)."""
    return {
        "issuer_key__compromised_after__isnull": False,
        "issued_at__gte": F("issuer_key__compromised_after"),
    }


def credentials_signed_after(*, key: IssuerKey, moment: datetime) -> int:
    """How many stored credentials ``key`` signed at or after ``moment`` (they would fail)."""
    return key.credentials.filter(issued_at__gte=moment).count()


def active_key(*, organisation: Organisation) -> IssuerKey | None:
    return (
        IssuerKey.objects.filter(
            organisation=organisation, retired_at__isnull=True, compromised_after__isnull=True
        )
        .order_by("-created_at", "-id")
        .first()
    )


def signing_key_for(*, organisation: Organisation) -> tuple[IssuerKey, KeyPair]:
    """The active key (created on first use) and its decrypted key pair."""
    key = active_key(organisation=organisation)
    if key is None:
        key = _new_key(organisation=organisation, now=timezone.now())
    secret = keystore.unseal(bytes(key.secret_ciphertext), aad=_aad(key))
    did = issuer_did(organisation)
    pair = KeyPair(
        id=f"{did}#{key.key_id}",
        controller=did,
        public=PublicKey.from_multibase(key.public_multibase),
        secret=secret,
    )
    if pair.public.to_multibase() != key.public_multibase:  # pragma: no cover - KeyPair checks
        raise ApplicationError("key_mismatch", "The stored issuer key is inconsistent.", status=500)
    return key, pair


def retired_keys_for(*, organisation: Organisation) -> dict[str, datetime]:
    """Verification-method id → moment from which its signatures are rejected.

    Compromised keys are cut off at ``compromised_after``; keys retired by rotation at
    ``retired_at`` (we never sign with them afterwards, so a later signature is forged).
    """
    did = issuer_did(organisation)
    cutoffs: dict[str, datetime] = {}
    for key in IssuerKey.objects.filter(organisation=organisation).exclude(
        retired_at__isnull=True, compromised_after__isnull=True
    ):
        moment = key.compromised_after or key.retired_at
        if moment is not None:
            cutoffs[f"{did}#{key.key_id}"] = moment
    return cutoffs
