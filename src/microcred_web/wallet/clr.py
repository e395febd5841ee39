"""CLR 2.0 export: a learner's chosen credentials bundled in one signed ClrCredential.

Who signs: the platform itself, as ``did:web:<host>:wallet`` (DID document served at
``/wallet/did.json``), with an Ed25519 key kept like issuer keys — AES-256-GCM encrypted at
rest under ``MICROCRED_KEY_ENCRYPTION_KEY`` (see docs/decisions/0011). The platform vouches
only for the bundle (these credentials, held by this account); each bundled credential keeps
its own issuer's proof and is verified on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred.did import did_web_document
from microcred.errors import Error as CoreError
from microcred.keys import KeyPair, PublicKey
from microcred.model.credential import CLR_V2P0, OB_V3P0, VC_V2
from microcred.verify import issue_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing import keystore
from microcred_web.issuing.identity import host_did
from microcred_web.issuing.models import Credential
from microcred_web.wallet.models import ImportedCredential, ImportLabel, PlatformKey

MAX_CLR_CREDENTIALS = 100
#: the pathways app's grouping (achievements + associations), bound late (layering)
PATHWAY_PARTS = "microcred_web.pathways.components.clr_pathway_parts"


def platform_did() -> str:
    return f"{host_did()}:wallet"


def _aad(key_id: str) -> bytes:
    return f"microcred-platform-key:{key_id}".encode()


@transaction.atomic
def _create_key() -> PlatformKey:
    pair = KeyPair.generate_ed25519(controller=platform_did())
    multibase = pair.public.to_multibase()
    key = PlatformKey(key_id=multibase, public_multibase=multibase)
    key.secret_ciphertext = keystore.seal(pair.secret, aad=_aad(multibase))
    key.save()
    audit_record(action="wallet.platform_key_created", target=key)
    return key


def platform_key_pair() -> KeyPair:
    key = PlatformKey.objects.filter(retired_at__isnull=True).first() or _create_key()
    did = platform_did()
    return KeyPair(
        id=f"{did}#{key.key_id}",
        controller=did,
        public=PublicKey.from_multibase(key.public_multibase),
        secret=keystore.unseal(bytes(key.secret_ciphertext), aad=_aad(key.key_id)),
    )


def platform_did_document() -> dict[str, Any]:
    keys = list(PlatformKey.objects.order_by("created_at", "id")) or [_create_key()]
    return did_web_document(
        platform_did(), [PublicKey.from_multibase(k.public_multibase) for k in keys]
    )


def platform_did_document_if_any() -> dict[str, Any] | None:
    """The platform DID document for our own verifier (None before the first CLR export)."""
    keys = list(PlatformKey.objects.order_by("created_at", "id"))
    if not keys:
        return None
    return did_web_document(
        platform_did(), [PublicKey.from_multibase(k.public_multibase) for k in keys]
    )


#: the types an imported credential must have to go into a CLR (``AchievementCredential``)
CLR_CREDENTIAL_TYPES = frozenset({"AchievementCredential", "OpenBadgeCredential"})


def clr_bundlable(imported: ImportedCredential) -> dict[str, Any] | None:
    """The document of an imported credential a CLR may bundle: verified here as valid, an
    OB 3.0 AchievementCredential in JSON with its issuer's proof (None otherwise: OB 2.0
    assertions and compact JWTs are not ClrSubject members)."""
    document = imported.document
    if imported.label != ImportLabel.VALID or document is None or "proof" not in document:
        return None
    if imported.expires_on is not None and imported.expires_on <= timezone.now():
        return None
    types = document.get("type")
    listed = set(types) if isinstance(types, list) else {types}
    return document if listed & CLR_CREDENTIAL_TYPES else None


def clr_issue(
    *,
    user: Any,
    credentials: Sequence[Credential],
    imported: Sequence[ImportedCredential] = (),
) -> dict[str, Any]:
    """A signed ClrCredential holding ``credentials`` and the verified ``imported`` ones (all
    must be the user's; imported ones must be :func:`clr_bundlable`)."""
    if any(i.owner_id != user.pk for i in imported):
        raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)
    imported_documents = [clr_bundlable(i) for i in imported]
    if any(d is None for d in imported_documents):
        raise ApplicationError(
            "clr_not_bundlable",
            _("Only imported Open Badges 3.0 credentials verified as valid can go into a record."),
            "imported",
        )
    if not credentials and not imported:
        raise ApplicationError("clr_empty", _("Choose at least one credential."), "credential")
    if len(credentials) + len(imported) > MAX_CLR_CREDENTIALS:
        raise ApplicationError(
            "clr_too_many",
            _("Choose at most %(n)d credentials.") % {"n": MAX_CLR_CREDENTIALS},
            "credential",
        )
    if any(c.recipient_user_id != user.pk for c in credentials):
        raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)
    name = getattr(user, "display_name", "") or user.email
    document: dict[str, Any] = {
        "@context": [VC_V2, CLR_V2P0, OB_V3P0],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": platform_did(), "type": ["Profile"], "name": "microcred"},
        "validFrom": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "name": _("Comprehensive Learner Record of %(name)s") % {"name": name},
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": user.email,
                    "identityType": "emailAddress",
                    "hashed": False,
                }
            ],
            "verifiableCredential": [
                *(c.document for c in credentials),
                *(d for d in imported_documents if d is not None),
            ],
        },
    }
    if apps.is_installed("microcred_web.pathways"):  # achievements grouped by pathway
        document["credentialSubject"].update(import_string(PATHWAY_PARTS)(user, credentials))
    try:
        signed = issue_credential(document, platform_key_pair(), suite="eddsa-rdfc-2022")
    except CoreError as exc:
        raise ApplicationError(
            "clr_unsigned", _("The record could not be signed: %(e)s") % {"e": exc}
        ) from exc
    assert isinstance(signed, dict)
    audit_record(
        action="wallet.clr_exported",
        actor=user,
        data={
            "credentials": [str(c.public_id) for c in credentials],
            "imported": [str(i.public_id) for i in imported],
        },
    )
    return signed
