"""Writes for people and signing in. Each function: one transaction, one audit event."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred_web.accounts.models import SignInFailure, User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import keyed_hash
from microcred_web.common.services import audit_record

SIGN_IN_MAX_FAILURES = 5
SIGN_IN_WINDOW = timedelta(minutes=15)


def _sign_in_key(*, email: str, client: str) -> str:
    return keyed_hash(f"{email.strip().lower()}|{client}", purpose="sign-in")


def sign_in_throttle_check(*, email: str, client: str) -> None:
    """Refuse a sign-in attempt after too many recent failures for this e-mail and client."""
    key = _sign_in_key(email=email, client=client)
    since = timezone.now() - SIGN_IN_WINDOW
    failures = SignInFailure.objects.filter(key=key, created_at__gte=since).count()
    if failures >= SIGN_IN_MAX_FAILURES:
        with transaction.atomic():
            audit_record(
                action="accounts.sign_in_throttled",
                data={"email": email.strip().lower(), "failures": failures},
                ip=client,
            )
        minutes = int(SIGN_IN_WINDOW.total_seconds() // 60)
        raise ApplicationError(
            "sign_in_throttled",
            _(
                "Too many failed sign-in attempts. For your security, signing in with this "
                "e-mail address is paused for %(minutes)d minutes. You can reset your password "
                "meanwhile."
            )
            % {"minutes": minutes},
            status=429,
        )


@transaction.atomic
def sign_in_failure_record(*, email: str, client: str) -> None:
    SignInFailure.objects.create(key=_sign_in_key(email=email, client=client))
    SignInFailure.objects.filter(created_at__lt=timezone.now() - 2 * SIGN_IN_WINDOW).delete()
    audit_record(action="accounts.sign_in_failed", data={"email": email.strip().lower()}, ip=client)


def sign_in_allowed(*, user: User) -> bool:
    """False when every organisation the person belongs to is suspended (operators and people
    without any organisation, e.g. wallet-only learners, may always sign in)."""
    if user.is_operator:
        return True
    active = user.memberships.filter(is_active=True)
    if not active.exists():
        return True
    return bool(active.filter(organisation__suspended_at__isnull=True).exists())


def password_sign_in_refusal(*, user: User) -> str | None:
    """The first refusal of the rules in ``MICROCRED_PASSWORD_SIGN_IN_CHECKS`` (apps above
    accounts, e.g. "single sign-on required"), or None when a password may be used."""
    for path in getattr(settings, "MICROCRED_PASSWORD_SIGN_IN_CHECKS", ()):
        refusal = import_string(path)(user)
        if refusal:
            return str(refusal)
    return None


@transaction.atomic
def sign_in_success_record(*, user: User, client: str) -> None:
    SignInFailure.objects.filter(key=_sign_in_key(email=user.email, client=client)).delete()
    audit_record(action="accounts.signed_in", actor=user, target=user, ip=client)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    display_name: str,
    preferred_language: str = "",
    ip: str | None = None,
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            "email_taken", _("An account with this e-mail address already exists."), "email"
        )
    user = User(
        email=email, display_name=display_name.strip(), preferred_language=preferred_language
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("password_invalid", " ".join(exc.messages), "password1") from exc
    user.set_password(password)
    user.save()
    audit_record(action="accounts.user_created", actor=user, target=user, ip=ip)
    return user


@transaction.atomic
def user_profile_update(
    *, user: User, display_name: str, preferred_language: str, ip: str | None = None
) -> User:
    languages = {code for code, _name in settings.LANGUAGES}
    if preferred_language and preferred_language not in languages:
        raise ApplicationError(
            "language_unknown", _("Choose one of the offered languages."), "preferred_language"
        )
    if not display_name.strip():
        raise ApplicationError(
            "display_name_required", _("Enter the name people will see."), "display_name"
        )
    changed = {}
    if user.display_name != display_name.strip():
        changed["display_name"] = display_name.strip()
    if user.preferred_language != preferred_language:
        changed["preferred_language"] = preferred_language
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name", "preferred_language"])
    audit_record(action="accounts.profile_updated", actor=user, target=user, data=changed, ip=ip)
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages:
        raise ApplicationError("language_unknown", _("Choose one of the offered languages."))
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit_record(
            action="accounts.language_set", actor=user, target=user, data={"language": language}
        )


@transaction.atomic
def password_reset_request_record(*, user: User, ip: str | None = None) -> None:
    audit_record(action="accounts.password_reset_requested", actor=None, target=user, ip=ip)


def password_set_link(user: User) -> str:
    """An absolute one-time link to choose a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return str(settings.BASE_URL).rstrip("/") + path
