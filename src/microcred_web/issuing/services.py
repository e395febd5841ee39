"""Writes for issuing: credentials (issue, revoke, suspend, unsuspend, claim, resend), bounces,
issuer profiles and API keys.

Contract used by the ``bulk`` and ``rendering`` apps (keep stable): :class:`RecipientInput`,
:func:`credentials_issue`, :func:`credential_revoke`, :func:`credential_suspend`,
:func:`credential_unsuspend`, :func:`credentials_revoke`, :func:`credentials_suspend`,
:func:`credentials_unsuspend`, :func:`status_list_credential_for`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred.errors import Error as CoreError
from microcred.model import (
    AchievementCredential,
    Evidence,
    Result,
    hashed_email_identity,
)
from microcred.model.eu_elements import with_published_terms
from microcred.schema import validate_document
from microcred.status import standing_entry
from microcred.suites import eddsa_rdfc_2022
from microcred.verification.signed_content import signed_content_problems
from microcred_web.accounts.models import User
from microcred_web.accounts.services import user_create
from microcred_web.achievements.models import AchievementStatus, AchievementVersion
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.ids import uuid7
from microcred_web.common.services import audit_record
from microcred_web.common.text_input import holds_unpaired_surrogate, refuse_unpaired_surrogates
from microcred_web.issuing.expiry import valid_until_for
from microcred_web.issuing.identity import absolute_url, issuer_profile_dict
from microcred_web.issuing.models import (
    ApiKey,
    BouncedAddress,
    Credential,
    DeliveryStatus,
    IssuerKey,
    IssuerProfile,
    StatusPurpose,
)
from microcred_web.issuing.signals import credentials_issued_on_commit
from microcred_web.issuing.signing import signing_key_for
from microcred_web.issuing.status_changes import (
    credential_revoke,
    credential_suspend,
    credential_unsuspend,
    credentials_revoke,
    credentials_suspend,
    credentials_unsuspend,
)
from microcred_web.issuing.status_lists import (
    ReservedIndex,
    list_path,
    status_indexes_reserve,
    status_list_credential_for,
)
from microcred_web.issuing.storage import RowWriter
from microcred_web.issuing.webhook_events import credentials_event_emit, issued_emit
from microcred_web.orgs.models import Organisation
from microcred_web.transparency.services import credentials_issued_log

__all__ = [
    "PreparedBatch",
    "PreparedCredential",
    "RecipientInput",
    "api_key_create",
    "api_key_revoke",
    "credential_claim",
    "credential_claim_new_account",
    "credential_reissue_to_email",
    "credential_resend",
    "credential_revoke",
    "credential_suspend",
    "credential_unsuspend",
    "credentials_issue",
    "credentials_prepare",
    "credentials_revoke",
    "credentials_store",
    "credentials_suspend",
    "credentials_unsuspend",
    "delivery_bounce_record",
    "issuer_profile_update",
    "status_list_credential_for",
]

MAX_NAME = 200
MAX_REASON = 500  # also in status_changes


@dataclass(frozen=True)
class RecipientInput:
    """One person to issue to. ``email`` or ``did`` (or both) is required.

    ``evidence`` items are OB 3.0 Evidence objects (``{"id": url, "narrative": text, ...}``,
    ``type`` optional); ``result`` items are OB 3.0 Result objects (``{"value": "87"}``).
    ``source_key`` makes the issue idempotent: a key already used in the organisation is
    skipped (bulk rows use ``"<job id>:<row number>"``).
    """

    email: str | None = None
    did: str | None = None
    name: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    result: list[dict[str, Any]] = field(default_factory=list)
    source_key: str | None = None


@dataclass(frozen=True)
class _Checked:
    email: str | None
    did: str | None
    name: str
    evidence: list[dict[str, Any]]
    result: list[dict[str, Any]]
    source_key: str | None


# --------------------------------------------------------------------------- validation

Cache = dict[str, Any]


def _typed(items: Sequence[Mapping[str, Any]], kind: str) -> list[dict[str, Any]]:
    out = []
    for item in items:
        data = dict(item)
        data.setdefault("type", [kind])
        out.append(data)
    return out


def _normalised(kind: type[Evidence] | type[Result], item: dict[str, Any], cache: Cache) -> Any:
    """``kind.from_json(item).to_json()``, remembered per batch (rows often repeat values)."""
    key = kind.__name__ + json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    found = cache.get(key)
    if found is None:
        found = cache[key] = kind.from_json(item).to_json()
    return found


def _email_valid(email: str, cache: Cache) -> bool:
    """Django's ``validate_email``, with its domain check remembered per batch."""
    if "@" not in email or len(email) > 320:
        return False
    user, domain = email.rsplit("@", 1)
    key = "@" + domain
    domain_ok = cache.get(key)
    if domain_ok is None:
        try:
            validate_email("x@" + domain)  # a user part that always passes: checks the domain
            domain_ok = cache[key] = True
        except ValidationError:
            domain_ok = cache[key] = False
    return bool(domain_ok) and bool(validate_email.user_regex.match(user))


def _check_recipient(
    position: int, recipient: RecipientInput, cache: Cache | None = None
) -> _Checked:
    where = f"recipients[{position}]"
    cache = {} if cache is None else cache
    texts = (recipient.email, recipient.did, recipient.name, recipient.source_key)
    if holds_unpaired_surrogate((*texts, recipient.evidence, recipient.result)):
        for part in ("email", "did", "name", "source_key", "evidence", "result"):
            refuse_unpaired_surrogates(getattr(recipient, part), f"{where}.{part}")
    email = (recipient.email or "").strip() or None
    did = (recipient.did or "").strip() or None
    if email is None and did is None:
        raise ApplicationError(
            "recipient_required", f"{where}: give an e-mail address or a DID.", f"{where}.email"
        )
    if email is not None:
        if not _email_valid(email, cache):
            raise ApplicationError(
                "email_invalid", f"{where}: {email!r} is not an e-mail address.", f"{where}.email"
            )
        email = email.lower()
    if did is not None and (not did.startswith("did:") or len(did) > 500 or " " in did):
        raise ApplicationError("did_invalid", f"{where}: {did!r} is not a DID.", f"{where}.did")
    name = (recipient.name or "").strip()
    if len(name) > MAX_NAME:
        raise ApplicationError("name_too_long", f"{where}: the name is too long.", f"{where}.name")
    evidence = _typed(recipient.evidence or [], "Evidence")
    for number, item in enumerate(evidence):
        if not item.get("id") and not item.get("narrative"):
            raise ApplicationError(
                "evidence_invalid",
                f"{where}: evidence {number + 1} needs a URL or a narrative.",
                f"{where}.evidence[{number}]",
            )
        try:
            evidence[number] = _normalised(Evidence, item, cache)
        except CoreError as exc:
            raise ApplicationError(
                "evidence_invalid", f"{where}: evidence: {exc}", f"{where}.evidence[{number}]"
            ) from exc
    result = _typed(recipient.result or [], "Result")
    for number, item in enumerate(result):
        try:
            result[number] = _normalised(Result, item, cache)
        except CoreError as exc:
            raise ApplicationError(
                "result_invalid", f"{where}: result: {exc}", f"{where}.result[{number}]"
            ) from exc
    source_key = (recipient.source_key or "").strip() or None
    if source_key is not None and len(source_key) > 200:
        raise ApplicationError(
            "source_key_too_long", f"{where}: source_key is too long.", f"{where}.source_key"
        )
    return _Checked(email, did, name, evidence, result, source_key)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- issuing

_UUID_PLACEHOLDER = uuid.UUID(int=0)
#: batches up to this size that are delivered by e-mail get their downloads rendered ahead
RENDER_AHEAD_MAX = 50
#: the rendering app's task, bound late: issuing sits below rendering in the layer contract
RENDITIONS_TASK = "microcred_web.rendering.tasks.credential_renditions_prepare"


def credential_url(credential_uuid: Any) -> str:
    return absolute_url(reverse("issuing:credential", kwargs={"public_id": credential_uuid}))


def _credential_url_parts() -> tuple[str, str]:
    """(prefix, suffix) of a credential URL around its UUID: one ``reverse()`` per batch."""
    url = credential_url(_UUID_PLACEHOLDER)
    prefix, _sep, suffix = url.partition(str(_UUID_PLACEHOLDER))
    return prefix, suffix


def _template(
    organisation: Organisation,
    version: AchievementVersion,
    now: datetime,
    valid_until: datetime | None,
) -> dict[str, Any]:
    """The parts every credential of the batch shares (issuer, achievement, validity)."""
    contexts = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    achievement = version.achievement_json
    template: dict[str, Any] = {
        "@context": contexts,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile_dict(organisation),
        "name": achievement["name"],
        "validFrom": _stamp(now),
    }
    if valid_until is not None:
        if valid_until <= now:
            raise ApplicationError(
                "achievement_expired",
                "This achievement's fixed expiry date has passed: change it before issuing.",
                "achievement_version",
            )
        template["validUntil"] = _stamp(valid_until)
    return template


def _credential_json(
    template: Mapping[str, Any],
    achievement: Mapping[str, Any],
    *,
    credential_id: str,
    recipient: _Checked,
    salt: str,
    status_entry: dict[str, Any],
) -> dict[str, Any]:
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": achievement}
    if recipient.did:
        subject["id"] = recipient.did
    if recipient.email:
        subject["identifier"] = [hashed_email_identity(recipient.email, salt).to_json()]
    if recipient.result:
        subject["result"] = recipient.result
    if "creditsAvailable" in achievement:  # awarded in full: what the achievement offers
        subject["creditsEarned"] = achievement["creditsAvailable"]
    document = {"@context": template["@context"], "id": credential_id, **template}
    document["credentialSubject"] = subject
    if recipient.evidence:
        document["evidence"] = recipient.evidence
    document["credentialStatus"] = status_entry
    return document


def _validate_first(document: Mapping[str, Any]) -> None:
    """Full model + OB 3.0 schema check of one credential per batch (the shared template)."""
    try:
        AchievementCredential.from_json(document)
    except CoreError as exc:
        raise ApplicationError("credential_invalid", f"The credential is invalid: {exc}") from exc
    checked = validate_document(document)
    if checked.problems:
        shown = "; ".join(f"{p.path}: {p.message}" for p in list(checked.problems)[:3])
        raise ApplicationError("credential_invalid", f"The credential is invalid: {shown}")


def _check_version(organisation: Organisation, version: AchievementVersion) -> None:
    if organisation.is_suspended:
        raise ApplicationError(
            "organisation_suspended",
            _("This organisation is suspended: it cannot issue credentials for now."),
            status=403,
        )
    achievement = version.achievement
    if achievement.organisation_id != organisation.pk:
        raise ApplicationError("not_found", "No such achievement.", "achievement", status=404)
    if achievement.status != AchievementStatus.PUBLISHED:
        raise ApplicationError(
            "achievement_not_published",
            "Publish the achievement before issuing it.",
            "achievement",
        )


@dataclass
class PreparedCredential:
    """One signed credential waiting to be stored (``pk`` is set once it is)."""

    public_id: uuid.UUID
    recipient: _Checked
    salt: str
    status: ReservedIndex  # the entry of a message list its credentialStatus names
    signed_json: str
    claim_token: str | None = None
    pk: int | None = None


@dataclass
class PreparedBatch:
    """Credentials reserved and signed by :func:`credentials_prepare`, not stored yet."""

    organisation: Organisation
    achievement_version: AchievementVersion
    actor: Any
    source: str
    issued_at: datetime
    valid_until: datetime | None
    issuer_key: IssuerKey | None
    items: list[PreparedCredential]


def _taken_source_keys(organisation: Organisation, keys: set[str]) -> set[str]:
    if not keys:
        return set()
    taken: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 900):
        taken.update(
            key
            for key in Credential.objects.filter(
                organisation=organisation, source_key__in=ordered[start : start + 900]
            )
            .order_by()  # unordered: lets SQLite use the (organisation, source_key) index
            .values_list("source_key", flat=True)
            if key
        )
    return taken


def credentials_prepare(
    *,
    organisation: Organisation,
    achievement_version: AchievementVersion,
    recipients: Sequence[RecipientInput],
    actor: Any,
    source: str,
    now: datetime | None = None,
    deliver: bool = True,
    look_up_stored_keys: bool = True,
    renews_until: datetime | None = None,
) -> PreparedBatch:
    """Validate, reserve status indexes (one short transaction) and sign, with no
    transaction open while signing. Nothing but the reservation is written.

    Recipients whose ``source_key`` is already stored, or repeated in the batch, are left out
    (:func:`credentials_store` checks again, atomically). A caller that knows none of the keys
    can be stored yet (a bulk chunk on its first attempt) passes ``look_up_stored_keys=False``
    to skip that lookup; the insert's ``ON CONFLICT DO NOTHING`` still settles any race.
    Raises ApplicationError naming ``recipients[i].<field>`` for an invalid recipient.
    ``renews_until``: the end date of the credential a renewal replaces (see issuing.expiry).
    """
    moment = (now or timezone.now()).replace(microsecond=0)
    cache: dict[str, dict[str, Any]] = {}
    checked = [_check_recipient(i, r, cache) for i, r in enumerate(recipients)]
    _check_version(organisation, achievement_version)
    taken = (
        _taken_source_keys(organisation, {c.source_key for c in checked if c.source_key})
        if look_up_stored_keys
        else set()
    )
    todo: list[_Checked] = []
    for item in checked:
        if item.source_key:
            if item.source_key in taken:
                continue
            taken.add(item.source_key)
        todo.append(item)
    valid_until = valid_until_for(achievement_version, moment, renews_until)
    batch = PreparedBatch(
        organisation=organisation,
        achievement_version=achievement_version,
        actor=actor,
        source=source[:80],
        issued_at=moment,
        valid_until=valid_until,
        issuer_key=None,
        items=[],
    )
    if not todo:
        return batch
    # Everything shared by the batch, computed once: template (issuer profile, achievement),
    # URL prefixes, the decrypted key.
    template = _template(organisation, achievement_version, moment, valid_until)
    # versions frozen with the earlier EU extension terms are issued with published terms only
    achievement = with_published_terms(achievement_version.achievement_json)
    issuer_key, pair = signing_key_for(organisation=organisation)
    batch.issuer_key = issuer_key
    url_prefix, url_suffix = _credential_url_parts()
    # The model + schema check of the shared template, before anything is reserved.
    probe_list = absolute_url(
        list_path(slug=organisation.slug, purpose=StatusPurpose.MESSAGE, number=1)
    )
    _validate_first(
        _credential_json(
            template,
            achievement,
            credential_id=f"{url_prefix}{_UUID_PLACEHOLDER}{url_suffix}",
            recipient=todo[0],
            salt=secrets.token_hex(16),
            status_entry=standing_entry(list_credential_url=probe_list, index=0),
        )
    )
    reservation = status_indexes_reserve(organisation=organisation, count=len(todo))
    list_urls: dict[int, str] = {}
    documents: list[dict[str, Any]] = []
    for item, reserved in zip(todo, reservation, strict=True):
        url = list_urls.get(reserved.list_id)
        if url is None:
            url = list_urls[reserved.list_id] = absolute_url(
                list_path(
                    slug=organisation.slug,
                    purpose=StatusPurpose.MESSAGE,
                    number=reserved.list_number,
                )
            )
        public_id = uuid7()
        salt = secrets.token_hex(16)
        documents.append(
            _credential_json(
                template,
                achievement,
                credential_id=f"{url_prefix}{public_id}{url_suffix}",
                recipient=item,
                salt=salt,
                status_entry=standing_entry(list_credential_url=url, index=reserved.index),
            )
        )
        batch.items.append(
            PreparedCredential(
                public_id=public_id,
                recipient=item,
                salt=salt,
                status=reserved,
                signed_json="",
                claim_token=secrets.token_urlsafe(24) if deliver and item.email else None,
            )
        )
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for prepared, signed in zip(batch.items, _sign_all(documents, pair, moment), strict=True):
        prepared.signed_json = encode(signed)
    return batch


def _sign_all(documents: list[dict[str, Any]], pair: Any, moment: datetime) -> list[dict[str, Any]]:
    """Sign a batch with ``sign_many`` (the shared issuer and achievement are canonicalised
    once per batch); if it refuses, sign one by one to name the recipient at fault."""
    for position, document in enumerate(documents):
        unsigned = signed_content_problems(document)  # what JSON-LD would drop
        if unsigned:
            raise ApplicationError(
                "signing_failed", f"recipients[{position}]: cannot sign: {unsigned[0]}"
            )
    try:
        return eddsa_rdfc_2022.sign_many(documents, pair, created=moment)
    except CoreError:
        pass
    signed = []
    for position, document in enumerate(documents):
        try:
            signed.append(eddsa_rdfc_2022.sign(document, pair, created=moment))
        except CoreError as exc:
            raise ApplicationError(
                "signing_failed", f"recipients[{position}]: cannot sign: {exc}"
            ) from exc
    return signed  # pragma: no cover - sign_many refused what sign accepts


_VARYING = (
    "public_id",
    "recipient_email",
    "recipient_did",
    "recipient_name",
    "salt",
    "signed_json",
    "revocation_list_id",
    "revocation_status_index",
    "source_key",
    "claim_token_hash",
    "delivery_status",
)


def credentials_store(
    *, batch: PreparedBatch, render_ahead: bool = False
) -> list[PreparedCredential]:
    """Store a prepared batch in one transaction (a savepoint inside the caller's).

    A row whose ``source_key`` was stored meanwhile (a race with another process) is skipped;
    the stored items get their ``pk`` and are returned. Records the audit event; after commit
    queues the claim e-mails and, when ``render_ahead``, the rendering of each download.
    """
    if not batch.items:
        return []
    template = Credential(
        organisation=batch.organisation,
        achievement_version=batch.achievement_version,
        issued_at=batch.issued_at,
        valid_until=batch.valid_until,
        issuer_key=batch.issuer_key,
        source=batch.source,
        issued_by=batch.actor if getattr(batch.actor, "pk", None) else None,
    )
    with transaction.atomic():
        writer = RowWriter(template, _VARYING)
        stored = writer.insert(
            (
                writer.uuid_value(item.public_id),
                item.recipient.email,
                item.recipient.did,
                item.recipient.name,
                item.salt,
                item.signed_json,
                item.status.list_id,
                item.status.index,
                item.recipient.source_key,
                token_hash(item.claim_token) if item.claim_token else "",
                DeliveryStatus.QUEUED if item.claim_token else DeliveryStatus.NOT_SENT,
            )
            for item in batch.items
        )
        created: list[PreparedCredential] = []
        for item in batch.items:
            pk = stored.get(writer.uuid_value(item.public_id))
            if pk is not None:
                item.pk = pk
                created.append(item)
        if not created:
            return []
        _audit_issue(batch, created)
        issued_emit(
            organisation_id=batch.organisation.pk,
            achievement=batch.achievement_version.name,
            created=created,
        )
        credentials_issued_log(
            organisation_id=batch.organisation.pk,
            signed=[(item.public_id, item.signed_json) for item in created],
            now=batch.issued_at,
        )
        credentials_issued_on_commit(
            organisation=batch.organisation, credential_ids=[item.pk for item in created if item.pk]
        )
        deliveries = [(item.pk, item.claim_token) for item in created if item.claim_token]
        if deliveries:
            _deliver_on_commit(deliveries)
        if render_ahead:
            _render_on_commit([str(item.public_id) for item in created])
    return created


def credentials_issue(
    *,
    organisation: Organisation,
    achievement_version: AchievementVersion,
    recipients: Sequence[RecipientInput],
    actor: Any,
    source: str,
    now: datetime | None = None,
    deliver: bool = True,
    renews_until: datetime | None = None,
) -> list[Credential]:
    """Issue one signed credential per recipient, all or nothing.

    Every recipient is validated first (ApplicationError naming ``recipients[i].<field>``).
    Recipients whose ``source_key`` was already used in the organisation are skipped, so a
    retried batch creates no duplicates, even when two processes race on it. Returns the
    credentials created (skipped ones are not returned). E-mails with claim links go out after
    commit when ``deliver``; small delivered batches also get their downloads rendered ahead.

    Three steps (see docs/decisions/0007): status indexes reserved in a short transaction,
    signing with no transaction open, rows inserted in one short transaction.
    """
    batch = credentials_prepare(
        organisation=organisation,
        achievement_version=achievement_version,
        recipients=recipients,
        actor=actor,
        source=source,
        now=now,
        deliver=deliver,
        renews_until=renews_until,
    )
    with transaction.atomic():
        created = credentials_store(
            batch=batch, render_ahead=deliver and 0 < len(batch.items) <= RENDER_AHEAD_MAX
        )
        if not created:
            return []
        by_pk = Credential.objects.in_bulk([item.pk for item in created])
    return [by_pk[item.pk] for item in created if item.pk is not None]


def _audit_issue(batch: PreparedBatch, created: list[PreparedCredential]) -> None:
    version = batch.achievement_version
    data: dict[str, Any] = {
        "achievement": version.name,
        "achievement_version": version.number,
        "count": len(created),
        "source": batch.source,
    }
    if len(created) == 1:
        item = created[0]
        target = Credential(pk=item.pk, public_id=item.public_id)
        recipient = item.recipient
        audit_record(
            action="issuing.credential_issued",
            actor=batch.actor,
            organisation=batch.organisation,
            target=target,
            data={**data, "recipient": recipient.name or recipient.email or recipient.did or ""},
        )
    else:
        data["first"] = str(created[0].public_id)
        audit_record(
            action="issuing.credentials_issued",
            actor=batch.actor,
            organisation=batch.organisation,
            data=data,
        )


def _deliver_on_commit(pairs: list[tuple[Any, str]]) -> None:
    from microcred_web.issuing.tasks import credential_email_send

    def enqueue() -> None:
        for credential_id, token in pairs:
            credential_email_send.enqueue(credential_id=credential_id, claim_token=token)

    transaction.on_commit(enqueue)


def _render_on_commit(public_ids: list[str]) -> None:
    if not apps.is_installed("microcred_web.rendering"):
        return

    def enqueue() -> None:
        task = import_string(RENDITIONS_TASK)
        for public_id in public_ids:
            task.enqueue(public_id=public_id)

    transaction.on_commit(enqueue)


# --------------------------------------------------------------------------- delivery


@transaction.atomic
def credential_resend(*, credential: Credential, actor: Any) -> Credential:
    """A new claim link (the old one stops working) e-mailed to the recipient."""
    if not credential.recipient_email:
        raise ApplicationError("no_email", "This credential has no e-mail address to send to.")
    token = secrets.token_urlsafe(24)
    credential.claim_token_hash = token_hash(token)
    credential.delivery_status = DeliveryStatus.QUEUED
    credential.bounce_reason = ""
    credential.save(update_fields=["claim_token_hash", "delivery_status", "bounce_reason"])
    audit_record(
        action="issuing.credential_resent",
        actor=actor,
        organisation=credential.organisation,
        target=credential,
        data={"recipient": credential.recipient_email},
    )
    _deliver_on_commit([(credential.pk, token)])
    return credential


@transaction.atomic
def credential_claim(
    *, credential: Credential, user: Any, now: datetime | None = None
) -> Credential:
    """Attach a credential to the signed-in person whose e-mail it was issued to."""
    email = (getattr(user, "email", "") or "").lower()
    if not credential.recipient_email or email != credential.recipient_email.lower():
        raise ApplicationError(
            "claim_wrong_account",
            "This credential was issued to another e-mail address: sign in with that address.",
            status=403,
        )
    if credential.recipient_user_id == user.pk:
        return credential
    credential.recipient_user = user
    credential.claimed_at = now or timezone.now()
    credential.save(update_fields=["recipient_user", "claimed_at"])
    audit_record(
        action="issuing.credential_claimed",
        actor=user,
        organisation=credential.organisation,
        target=credential,
    )
    credentials_event_emit(
        organisation_id=credential.organisation_id,
        event_type="credential.claimed",
        credentials=[credential],
    )
    return credential


@transaction.atomic
def credential_claim_new_account(
    *,
    credential: Credential,
    display_name: str,
    password: str,
    ip: str | None = None,
    now: datetime | None = None,
) -> Credential:
    """Create an account for the credential's recipient address and attach the credential.

    Only the claim link leads here, and it was e-mailed to that address: whoever holds it
    controls the mailbox, which is all an e-mail confirmation would prove. So the account is
    usable at once, like an account created from an invitation.
    """
    email = (credential.recipient_email or "").lower()
    if not email:
        raise ApplicationError(
            "claim_no_email", _("This credential was not issued to an e-mail address."), status=409
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            "account_exists",
            _("An account with this e-mail address already exists: sign in to claim."),
            status=409,
        )
    if not (display_name or "").strip():
        raise ApplicationError("display_name_required", _("Enter your name."), "display_name")
    try:
        with transaction.atomic():
            user = user_create(email=email, password=password, display_name=display_name, ip=ip)
    except IntegrityError as exc:  # pragma: no cover - two sign-ups at the same moment
        raise ApplicationError(
            "account_exists", _("This account already exists: sign in to claim."), status=409
        ) from exc
    return credential_claim(credential=credential, user=user, now=now)


@transaction.atomic
def delivery_bounce_record(
    *, email: str, reason: str = "", organisation: Organisation | None = None
) -> int:
    """Record that mail to ``email`` bounced; marks its queued/sent credentials as bounced.

    With ``organisation`` (a bounce reported through that organisation's API key) only its
    credentials are marked and only its later mail to the address is stopped; without (the
    operator's command), every organisation's.
    """
    address = (email or "").strip().lower()
    if not address:
        raise ApplicationError(
            "email_required", _("Give the e-mail address that bounced."), "email"
        )
    if len(address) > 254 or not _email_valid(address, {}):
        raise ApplicationError(
            "email_invalid", _("%(email)r is not an e-mail address.") % {"email": address}, "email"
        )
    text = (reason or "").strip()[:MAX_REASON]
    BouncedAddress.objects.create(email=address, reason=text, organisation=organisation)
    affected = Credential.objects.filter(
        recipient_email=address,
        delivery_status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENT],
    ).select_related("organisation")
    if organisation is not None:
        affected = affected.filter(organisation=organisation)
    marked = list(affected)
    for credential in marked:
        credential.delivery_status = DeliveryStatus.BOUNCED
        credential.bounce_reason = text
        credential.save(update_fields=["delivery_status", "bounce_reason"])
        audit_record(
            action="issuing.delivery_bounced",
            organisation=credential.organisation,
            target=credential,
            data={"reason": text},
        )
    return len(marked)


REISSUE_REASON = "Re-sent to a corrected address"


def credential_reissue_to_email(
    *, credential: Credential, email: str, actor: Any, now: datetime | None = None
) -> Credential:
    """Send an unclaimed credential to a corrected address: revoke it and issue it again.

    The recipient's e-mail is signed into the credential (salted hash), so it cannot be
    changed in place: a new credential for the same achievement version, name, results and
    evidence is issued to ``email`` and delivered, and the old one is revoked with
    :data:`REISSUE_REASON`, all in one transaction (docs/decisions/0006).
    """
    if credential.recipient_user_id is not None or credential.claimed_at is not None:
        raise ApplicationError(
            "already_claimed",
            _("The recipient already claimed this credential: the address works."),
            "email",
            status=409,
        )
    if credential.revoked_at is not None:
        raise ApplicationError(
            "already_revoked", _("This credential is revoked."), "email", status=409
        )
    address = (email or "").strip().lower()
    if address == (credential.recipient_email or "").lower():
        raise ApplicationError(
            "same_email", _("Give an address different from the one that bounced."), "email"
        )
    document = credential.document
    subject = document.get("credentialSubject", {})
    recipient = RecipientInput(
        email=address,
        did=credential.recipient_did,
        name=credential.recipient_name,
        evidence=list(document.get("evidence", [])),
        result=list(subject.get("result", [])) if isinstance(subject, dict) else [],
    )
    try:
        _check_recipient(0, recipient)
    except ApplicationError as exc:
        raise ApplicationError(exc.code, exc.message, "email") from exc
    with transaction.atomic():
        [issued] = credentials_issue(
            organisation=credential.organisation,
            achievement_version=credential.achievement_version,
            recipients=[recipient],
            actor=actor,
            source=f"reissue:{credential.public_id}",
            now=now,
        )
        credential_revoke(credential=credential, actor=actor, reason=REISSUE_REASON, now=now)
        audit_record(
            action="issuing.credential_reissued",
            actor=actor,
            organisation=credential.organisation,
            target=issued,
            data={
                "replaces": str(credential.public_id),
                "from": credential.recipient_email or "",
                "to": address,
            },
        )
    return issued


# --------------------------------------------------------------------------- issuer profile


@transaction.atomic
def issuer_profile_update(
    *,
    organisation: Organisation,
    actor: Any,
    name: str = "",
    url: str = "",
    email: str = "",
    description: str = "",
    linkedin_organization_id: str = "",
) -> IssuerProfile:
    profile, _created = IssuerProfile.objects.get_or_create(organisation=organisation)
    profile.name, profile.url, profile.email = name.strip(), url.strip(), email.strip()
    profile.description = description.strip()
    profile.linkedin_organization_id = linkedin_organization_id.strip()
    try:
        profile.full_clean(exclude=["organisation"])
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError("profile_invalid", " ".join(messages), field_name) from exc
    profile.save()
    audit_record(
        action="issuing.issuer_profile_updated",
        actor=actor,
        organisation=organisation,
        target=profile,
    )
    return profile


# --------------------------------------------------------------------------- API keys

API_KEY_PREFIX = "mck_"


@transaction.atomic
def api_key_create(*, organisation: Organisation, actor: Any, name: str) -> tuple[ApiKey, str]:
    """A new API key; the key itself is returned once and only its hash is stored."""
    label = (name or "").strip()
    if not label:
        raise ApplicationError("name_required", "Give the key a name.", "name")
    if len(label) > 120:
        raise ApplicationError("name_too_long", "The name is too long.", "name")
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organisation=organisation,
        name=label,
        prefix=secret[: len(API_KEY_PREFIX) + 6],
        key_hash=token_hash(secret),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        action="issuing.api_key_created",
        actor=actor,
        organisation=organisation,
        target=key,
        data={"name": label, "prefix": key.prefix},
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Any) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(
            action="issuing.api_key_revoked",
            actor=actor,
            organisation=api_key.organisation,
            target=api_key,
            data={"name": api_key.name, "prefix": api_key.prefix},
        )
    return api_key
