"""Writes for a credential's status: revoke (final), suspend and unsuspend.

Each change updates the credential row, its audit event and the status list its one
``credentialStatus`` names, in one transaction. For credentials with a 2-bit ``message`` entry
(decision 0019) the entry is rewritten from the row (``valid`` / ``suspended`` / ``revoked``;
a revoked entry never changes again). Credentials issued before that carry a one-bit
revocation entry: revoking sets its bit; their suspension is known from our records only
(``suspended_at``) and no list is written for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from microcred.status import Standing, standing_change
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential, StatusList, StatusPurpose
from microcred_web.issuing.status_lists import status_values_set
from microcred_web.issuing.webhook_events import credentials_event_emit
from microcred_web.transparency.services import credentials_status_log

__all__ = [
    "credential_revoke",
    "credential_suspend",
    "credential_unsuspend",
    "credentials_revoke",
    "credentials_suspend",
    "credentials_unsuspend",
]

MAX_REASON = 500

Change = Callable[[int], int]


def _clean_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ApplicationError("reason_required", "Give a reason.", "reason")
    if len(text) > MAX_REASON:
        raise ApplicationError("reason_too_long", "The reason is too long.", "reason")
    return text


def _standing_of(credential: Credential) -> Standing:
    if credential.revoked_at is not None:
        return Standing.REVOKED
    if credential.suspended_at is not None:
        return Standing.SUSPENDED
    return Standing.VALID


def _entry_change(credential: Credential, purpose: str) -> Change | None:
    """How the entry the credential carries changes now that its row has changed."""
    if purpose == StatusPurpose.MESSAGE:
        wanted = _standing_of(credential)
        return lambda current: standing_change(current, wanted)
    if credential.revoked_at is not None:  # an older one-bit revocation entry
        return lambda _current: 1
    return None  # an older credential's suspension: our records only


#: audit action → webhook event type (un-suspending has none)
_LOG_KINDS = {  # what the transparency log records of each change
    "issuing.credential_revoked": "credential.revoked",
    "issuing.credential_suspended": "credential.suspended",
    "issuing.credential_unsuspended": "credential.reinstated",
}
_EVENT_TYPES = {
    "issuing.credential_revoked": "credential.revoked",
    "issuing.credential_suspended": "credential.suspended",
}


def _change_status(
    *,
    credentials: Sequence[Credential],
    actor: Any,
    reason: str,
    action: str,
    apply: Callable[[Credential, datetime], bool],
    now: datetime | None,
) -> list[Credential]:
    moment = now or timezone.now()
    changed: list[Credential] = []
    with transaction.atomic():
        locked = list(
            Credential.objects.select_for_update()
            .filter(pk__in=[c.pk for c in credentials])
            .select_related("organisation", "achievement_version")
            .order_by("pk")
        )
        organisations = {c.organisation_id for c in locked}
        if len(organisations) > 1:
            raise ApplicationError("mixed_organisations", "Credentials of several organisations.")
        purposes = dict(
            StatusList.objects.filter(pk__in={c.revocation_list_id for c in locked}).values_list(
                "pk", "purpose"
            )
        )
        by_list: dict[int, dict[int, Change]] = {}
        for credential in locked:
            if not apply(credential, moment):
                continue
            credential.save()
            changed.append(credential)
            change = _entry_change(credential, purposes[credential.revocation_list_id])
            if change is not None:
                entries = by_list.setdefault(credential.revocation_list_id, {})
                entries[credential.revocation_status_index] = change
            audit_record(
                action=action,
                actor=actor,
                organisation=credential.organisation,
                target=credential,
                data={
                    "reason": reason,
                    "recipient": credential.recipient_label,
                    "achievement": credential.achievement_version.name,
                },
            )
        for list_id, values in sorted(by_list.items()):
            status_values_set(status_list=StatusList(pk=list_id), values=values, now=moment)
        event_type = _EVENT_TYPES.get(action)
        if changed and event_type:
            credentials_event_emit(
                organisation_id=changed[0].organisation_id,
                event_type=event_type,
                credentials=changed,
                reason=reason,
            )
        log_kind = _LOG_KINDS.get(action)
        if changed and log_kind:
            credentials_status_log(
                organisation_id=changed[0].organisation_id,
                kind=log_kind,
                credentials=changed,
                now=moment,
            )
    return changed


def credentials_revoke(
    *, credentials: Sequence[Credential], actor: Any, reason: str, now: datetime | None = None
) -> list[Credential]:
    """Revoke (permanently); already revoked credentials are left alone. Returns those changed."""
    text = _clean_reason(reason)

    def apply(credential: Credential, moment: datetime) -> bool:
        if credential.revoked_at is not None:
            return False
        credential.revoked_at, credential.revocation_reason = moment, text
        return True

    return _change_status(
        credentials=credentials,
        actor=actor,
        reason=text,
        action="issuing.credential_revoked",
        apply=apply,
        now=now,
    )


def credentials_suspend(
    *, credentials: Sequence[Credential], actor: Any, reason: str, now: datetime | None = None
) -> list[Credential]:
    text = _clean_reason(reason)

    def apply(credential: Credential, moment: datetime) -> bool:
        if credential.revoked_at is not None or credential.suspended_at is not None:
            return False
        credential.suspended_at, credential.suspension_reason = moment, text
        return True

    return _change_status(
        credentials=credentials,
        actor=actor,
        reason=text,
        action="issuing.credential_suspended",
        apply=apply,
        now=now,
    )


def credentials_unsuspend(
    *, credentials: Sequence[Credential], actor: Any, reason: str, now: datetime | None = None
) -> list[Credential]:
    text = _clean_reason(reason)

    def apply(credential: Credential, moment: datetime) -> bool:
        if credential.suspended_at is None:
            return False
        credential.suspended_at, credential.suspension_reason = None, ""
        return True

    return _change_status(
        credentials=credentials,
        actor=actor,
        reason=text,
        action="issuing.credential_unsuspended",
        apply=apply,
        now=now,
    )


def _one(result: list[Credential], code: str, message: str) -> Credential:
    if not result:
        raise ApplicationError(code, message, status=409)
    return result[0]


def credential_revoke(
    *, credential: Credential, actor: Any, reason: str, now: datetime | None = None
) -> Credential:
    changed = credentials_revoke(credentials=[credential], actor=actor, reason=reason, now=now)
    return _one(changed, "already_revoked", "This credential is already revoked.")


def credential_suspend(
    *, credential: Credential, actor: Any, reason: str, now: datetime | None = None
) -> Credential:
    changed = credentials_suspend(credentials=[credential], actor=actor, reason=reason, now=now)
    return _one(changed, "not_suspendable", "Only an active credential can be suspended.")


def credential_unsuspend(
    *, credential: Credential, actor: Any, reason: str, now: datetime | None = None
) -> Credential:
    changed = credentials_unsuspend(credentials=[credential], actor=actor, reason=reason, now=now)
    return _one(changed, "not_suspended", "This credential is not suspended.")
