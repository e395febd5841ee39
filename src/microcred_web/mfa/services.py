"""Writes: setting up an authenticator, checking a second factor, recovery codes, sessions."""

from __future__ import annotations

import secrets
import time
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import keyed_hash
from microcred_web.common.sealing import secret_seal, secret_unseal
from microcred_web.common.services import audit_record
from microcred_web.mfa import totp
from microcred_web.mfa.devices import address_mask
from microcred_web.mfa.models import (
    OrganisationMfaPolicy,
    RecoveryCode,
    SessionRecord,
    TotpDevice,
)
from microcred_web.orgs.models import Organisation

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def _aad(user: User) -> bytes:
    return f"mfa-totp:{user.pk}".encode()


def _secret(device: TotpDevice) -> str:
    return secret_unseal(device.secret_sealed, aad=_aad(device.user), purpose="mfa")


def _recovery_normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _recovery_hash(user: User, code: str) -> str:
    return keyed_hash(f"{user.pk}|{_recovery_normalise(code)}", purpose="mfa-recovery")


@transaction.atomic
def enrolment_secret(*, user: User) -> str:
    """The secret of the authenticator being set up (a new one unless one is pending)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ApplicationError(
            "mfa_already_set_up", _("An authenticator app is already set up."), status=409
        )
    if device is not None:
        return _secret(device)
    secret = totp.secret_new()
    TotpDevice.objects.create(
        user=user, secret_sealed=secret_seal(secret, aad=_aad(user), purpose="mfa")
    )
    return secret


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(user, code)) for code in codes
    )
    return codes


@transaction.atomic
def enrolment_confirm(
    *, user: User, code: str, now: float | None = None, ip: str | None = None
) -> list[str]:
    """Confirm the pending authenticator with a code it shows; returns the recovery codes,
    which are shown once and stored only hashed."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise ApplicationError(
            "mfa_nothing_pending", _("Start setting up the authenticator app again."), "code"
        )
    step = totp.matching_step(_secret(device), code, time.time() if now is None else now)
    if step is None:
        raise ApplicationError(
            "mfa_code_wrong",
            _("This code is not right. Enter the 6 digits your app shows now."),
            "code",
        )
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    codes = _recovery_codes_replace(user)
    audit_record(action="mfa.enrolled", actor=user, target=user, ip=ip)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, ip: str | None = None) -> list[str]:
    if not TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        raise ApplicationError(
            "mfa_not_set_up", _("Set up an authenticator app first."), status=409
        )
    codes = _recovery_codes_replace(user)
    audit_record(action="mfa.recovery_codes_regenerated", actor=user, target=user, ip=ip)
    return codes


@transaction.atomic
def second_factor_check(
    *, user: User, code: str, now: float | None = None, ip: str | None = None
) -> bool:
    """True for a current authenticator code not used before, or an unused recovery code
    (which is then spent)."""
    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    step = totp.matching_step(_secret(device), code, time.time() if now is None else now)
    if step is not None:
        if step <= device.last_used_step:  # replayed, or older than the last one accepted
            audit_record(action="mfa.code_replayed", actor=user, target=user, ip=ip)
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return True
    # a conditional UPDATE: of two concurrent uses of one code, only one changes the row
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_hash(user, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent:
        audit_record(action="mfa.recovery_code_used", actor=user, target=user, ip=ip)
        return True
    return False


@transaction.atomic
def authenticator_remove(*, user: User, code: str, ip: str | None = None) -> None:
    """Remove the authenticator and recovery codes, proven with a current code."""
    if not second_factor_check(user=user, code=code, ip=ip):
        raise ApplicationError("mfa_code_wrong", _("This code is not right."), "code")
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(action="mfa.removed", actor=user, target=user, ip=ip)


@transaction.atomic
def organisation_policy_set(
    *, organisation: Organisation, required: bool, actor: User, ip: str | None = None
) -> OrganisationMfaPolicy:
    """Require (the default) or relax the second factor for administrators and issuers."""
    policy, _created = OrganisationMfaPolicy.objects.update_or_create(
        organisation=organisation, defaults={"required": required}
    )
    audit_record(
        action="mfa.policy_changed",
        actor=actor,
        organisation=organisation,
        target=policy,
        data={"required": required},
        ip=ip,
    )
    return policy


# --- sessions ---------------------------------------------------------------------------


def _session_store(session_key: str):  # type: ignore[no-untyped-def]
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_touch(*, session_key: str, user: User, user_agent: str, address: str) -> None:
    """Record that this session was used (the middleware calls it at most once a minute)."""
    now = timezone.now()
    SessionRecord.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "user_agent": user_agent[:300],
            "address_masked": address_mask(address),
            "last_seen_at": now,
        },
    )


def session_forget(*, session_key: str) -> None:
    SessionRecord.objects.filter(session_key=session_key).delete()


@transaction.atomic
def session_end(*, user: User, record_id: int, current_key: str, ip: str | None = None) -> None:
    """Sign one of one's own other sessions out (someone else's: not found)."""
    record = SessionRecord.objects.filter(user=user, pk=record_id).first()
    if record is None:
        raise ApplicationError(
            "session_unknown", _("This session is not yours or has ended."), status=404
        )
    if record.session_key == current_key:
        raise ApplicationError("session_current", _("To end this session, sign out."), status=400)
    _session_store(record.session_key).delete()
    record.delete()
    audit_record(action="mfa.session_ended", actor=user, target=user, ip=ip)


@transaction.atomic
def sessions_end_others(*, user: User, current_key: str, ip: str | None = None) -> int:
    """Sign every other session of the person out; returns how many ended."""
    others = list(SessionRecord.objects.filter(user=user).exclude(session_key=current_key))
    for record in others:
        _session_store(record.session_key).delete()
    SessionRecord.objects.filter(pk__in=[r.pk for r in others]).delete()
    audit_record(
        action="mfa.sessions_ended", actor=user, target=user, data={"count": len(others)}, ip=ip
    )
    return len(others)


def sessions_prune(*, user: User) -> None:
    """Forget records whose session has expired or was flushed elsewhere."""
    for record in SessionRecord.objects.filter(user=user):
        if not _session_store(record.session_key).exists(record.session_key):
            record.delete()
