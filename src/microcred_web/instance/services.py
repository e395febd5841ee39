"""Writes for running the instance: create an organisation (command, first-run setup and
operator console all use :func:`organisation_create`), set up a fresh install, suspend,
impersonate. Each: one transaction, an audit event inside it, e-mail after commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.accounts.services import password_set_link
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.common.tasks import email_send_on_commit
from microcred_web.instance.models import Impersonation, InstanceSetup
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.services import issuer_profile_update
from microcred_web.issuing.signing import issuer_key_create
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Membership, Organisation, Role, hex_colour_validator


@dataclass(frozen=True)
class OrganisationSpec:
    """What a new organisation needs; validated field by field by :func:`spec_check`."""

    name: str
    slug: str
    admin_email: str
    admin_name: str = ""
    admin_language: str = ""
    issuer_name: str = ""
    issuer_url: str = ""
    country: str = ""
    default_language: str = "en"
    primary_colour: str = "#1f4e79"
    accent_colour: str = "#f2a900"


@dataclass(frozen=True)
class OrganisationCreated:
    organisation: Organisation
    admin: User
    set_password_link: str  # empty when the admin already had an account


def _invalid(code: str, message: str, field: str) -> ApplicationError:
    return ApplicationError(code, message, field)


def spec_check(spec: OrganisationSpec) -> None:
    """Raise an ApplicationError naming the first field that is not right."""
    if not spec.name.strip():
        raise _invalid("name_required", _("Give the organisation a name."), "name")
    try:
        validate_slug(spec.slug)
    except ValidationError as exc:
        raise _invalid("slug_invalid", _("Use letters, digits and hyphens only."), "slug") from exc
    if Organisation.objects.filter(slug=spec.slug).exists():
        raise _invalid("slug_taken", _("This short name is already used."), "slug")
    try:
        validate_email(spec.admin_email.strip())
    except ValidationError as exc:
        raise _invalid("email_invalid", _("Enter a valid e-mail address."), "admin_email") from exc
    languages = {code for code, _name in settings.LANGUAGES}
    if spec.default_language not in languages:
        raise _invalid(
            "language_unknown", _("Choose one of the offered languages."), "default_language"
        )
    if spec.admin_language and spec.admin_language not in languages:
        raise _invalid(
            "language_unknown", _("Choose one of the offered languages."), "admin_language"
        )
    for field in ("primary_colour", "accent_colour"):
        try:
            hex_colour_validator(getattr(spec, field))
        except ValidationError as exc:
            raise _invalid("colour_invalid", str(exc.messages[0]), field) from exc
    if spec.issuer_url:
        try:
            URLValidator(schemes=["https", "http"])(spec.issuer_url)
        except ValidationError as exc:
            raise _invalid("url_invalid", _("Enter a full web address."), "issuer_url") from exc


def _admin_user(spec: OrganisationSpec, password: str | None) -> tuple[User, bool]:
    email = spec.admin_email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    user = User(
        email=email,
        display_name=spec.admin_name.strip(),
        preferred_language=spec.admin_language or spec.default_language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError("password_invalid", " ".join(exc.messages), "password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user, True


def _welcome_on_commit(organisation: Organisation, admin: User, link: str) -> None:
    with translation.override(admin.preferred_language or organisation.default_language):
        subject = _("Your organisation %(name)s is ready on microcred") % {
            "name": organisation.name
        }
        body = render_to_string(
            "instance/email/organisation_ready.txt",
            {"organisation": organisation, "admin": admin, "link": link},
        )
    email_send_on_commit(subject=subject, body=body, to=[admin.email])


@transaction.atomic
def organisation_create(
    *,
    spec: OrganisationSpec,
    actor: User | None = None,
    admin_password: str | None = None,
    logo: File[Any] | None = None,
    send_email: bool = True,
    ip: str | None = None,
) -> OrganisationCreated:
    """A new organisation with its first administrator, issuer identity (profile and an
    encrypted Ed25519 key for its did:web) and branding."""
    spec_check(spec)
    organisation = org_services.organisation_create(
        name=spec.name.strip(),
        slug=spec.slug,
        country=spec.country,
        default_language=spec.default_language,
        primary_colour=spec.primary_colour.lower(),
        accent_colour=spec.accent_colour.lower(),
        actor=None,  # with an actor the base service makes them a member; operators are not
    )
    if logo is not None:
        organisation.logo.save(f"{organisation.slug}-{secrets.token_hex(4)}", logo)
    admin, is_new = _admin_user(spec, admin_password)
    org_services.membership_add(
        organisation=organisation, user=admin, roles=[Role.ADMIN], actor=actor, ip=ip
    )
    issuer_profile_update(
        organisation=organisation,
        actor=actor,
        name=spec.issuer_name.strip() or organisation.name,
        url=spec.issuer_url.strip(),
    )
    issuer_key_create(organisation=organisation, actor=actor)
    link = password_set_link(admin) if is_new and not admin_password else ""
    audit_record(
        action="instance.organisation_created",
        actor=actor,
        organisation=organisation,
        target=organisation,
        data={"admin": admin.email, "did": issuer_did(organisation)},
        ip=ip,
    )
    if send_email:
        _welcome_on_commit(organisation, admin, link)
    return OrganisationCreated(organisation=organisation, admin=admin, set_password_link=link)


@transaction.atomic
def instance_setup(
    *,
    operator_email: str,
    operator_name: str,
    operator_password: str,
    spec: OrganisationSpec,
    logo: File[Any] | None = None,
    ip: str | None = None,
) -> tuple[User, OrganisationCreated]:
    """First run: the instance operator, then the first organisation. Only on a fresh install;
    a second (or concurrent) submission fails on the one-row ``InstanceSetup``."""
    if not org_selectors.install_is_fresh():
        raise ApplicationError("setup_done", _("This site is already set up."), status=409)
    try:
        with transaction.atomic():
            setup = InstanceSetup.objects.create(id=InstanceSetup.SINGLETON)
    except IntegrityError as exc:
        raise ApplicationError("setup_done", _("This site is already set up."), status=409) from exc
    try:
        validate_email(operator_email.strip())
    except ValidationError as exc:
        raise _invalid(
            "email_invalid", _("Enter a valid e-mail address."), "operator_email"
        ) from exc
    operator = User(
        email=operator_email.strip().lower(),
        display_name=operator_name.strip(),
        preferred_language=spec.admin_language or spec.default_language,
        is_operator=True,
    )
    try:
        validate_password(operator_password, operator)
    except ValidationError as exc:
        raise ApplicationError("password_invalid", " ".join(exc.messages), "password") from exc
    operator.set_password(operator_password)
    operator.save()
    setup.operator = operator
    setup.save(update_fields=["operator"])
    audit_record(action="instance.setup_completed", actor=operator, target=operator, ip=ip)
    created = organisation_create(
        spec=spec, actor=operator, logo=logo, send_email=spec.admin_email != operator.email, ip=ip
    )
    return operator, created


def _require_operator(actor: User) -> None:
    if not actor.is_operator:
        raise ApplicationError(
            "not_operator", _("Only instance operators may do this."), status=403
        )


@transaction.atomic
def organisation_suspend(
    *, organisation: Organisation, actor: User, reason: str, ip: str | None = None
) -> Organisation:
    _require_operator(actor)
    if not reason.strip():
        raise _invalid("reason_required", _("Say why the organisation is suspended."), "reason")
    organisation.suspended_at = timezone.now()
    organisation.suspension_reason = reason.strip()[:300]
    organisation.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        action="instance.organisation_suspended",
        actor=actor,
        organisation=organisation,
        target=organisation,
        data={"reason": organisation.suspension_reason},
        ip=ip,
    )
    return organisation


@transaction.atomic
def organisation_unsuspend(
    *, organisation: Organisation, actor: User, ip: str | None = None
) -> Organisation:
    _require_operator(actor)
    organisation.suspended_at = None
    organisation.suspension_reason = ""
    organisation.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        action="instance.organisation_unsuspended",
        actor=actor,
        organisation=organisation,
        target=organisation,
        ip=ip,
    )
    return organisation


@transaction.atomic
def impersonation_start(
    *, operator: User, membership: Membership, reason: str, ip: str | None = None
) -> Impersonation:
    _require_operator(operator)
    if not reason.strip():
        raise _invalid("reason_required", _("Say why you need to act as this person."), "reason")
    member = membership.user
    if member.is_operator or member.pk == operator.pk:
        raise _invalid(
            "cannot_impersonate", _("Operators cannot act as another operator."), "membership"
        )
    if not membership.is_active:
        raise _invalid("member_inactive", _("This membership is not active."), "membership")
    session = Impersonation.objects.create(
        operator=operator,
        member=member,
        organisation=membership.organisation,
        organisation_name=membership.organisation.name,
        reason=reason.strip()[:500],
    )
    audit_record(
        action="instance.impersonation_started",
        actor=operator,
        organisation=membership.organisation,
        target=member,
        data={"reason": session.reason, "impersonation": session.pk},
        ip=ip,
    )
    return session


@transaction.atomic
def impersonation_stop(*, impersonation: Impersonation, ip: str | None = None) -> Impersonation:
    if impersonation.ended_at is None:
        impersonation.ended_at = timezone.now()
        impersonation.save(update_fields=["ended_at"])
        audit_record(
            action="instance.impersonation_ended",
            actor=impersonation.operator,
            organisation=impersonation.organisation,
            target=impersonation.member,
            data={"impersonation": impersonation.pk},
            ip=ip,
        )
    return impersonation
