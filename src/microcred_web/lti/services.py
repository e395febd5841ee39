"""Writes of the LTI tool: registrations, logins, launches (which sign people in)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.lti.claims import (
    DEEP_LINKING_REQUEST,
    RESOURCE_LINK_REQUEST,
    Launch,
    LaunchRefused,
    launch_check,
    organisation_roles,
)
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning import progress
from microcred_web.learning import selectors as learning_selectors
from microcred_web.learning.models import Course
from microcred_web.lti import grades
from microcred_web.lti.models import Identity, LoginState, Platform, ResourceLink
from microcred_web.lti.tokens import id_token_verify, unverified_issuer
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Membership, Organisation

logger = logging.getLogger("microcred.lti")

LOGIN_STATE_SECONDS = 600


# --- registrations ---------------------------------------------------------------------------


def _url(values: dict[str, Any], name: str, *, required: bool = True) -> str:
    text = str(values.get(name) or "").strip()
    if not text:
        if required:
            raise ApplicationError("lti_field_required", _("This field is required."), name)
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ApplicationError("lti_url_invalid", _("Enter a full https:// address."), name)
    return text


def deployment_ids_parse(text: str) -> list[str]:
    """Deployment ids, one a line or comma separated, without blanks or repeats."""
    seen: list[str] = []
    for part in text.replace(",", "\n").splitlines():
        value = part.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def _platform_values(values: dict[str, Any]) -> dict[str, Any]:
    name = str(values.get("name") or "").strip()
    if not name:
        raise ApplicationError("lti_field_required", _("Give the platform a name."), "name")
    client_id = str(values.get("client_id") or "").strip()
    if not client_id:
        raise ApplicationError("lti_field_required", _("This field is required."), "client_id")
    deployment_ids = values.get("deployment_ids") or []
    if isinstance(deployment_ids, str):
        deployment_ids = deployment_ids_parse(deployment_ids)
    if not deployment_ids:
        raise ApplicationError(
            "lti_field_required", _("Give at least one deployment id."), "deployment_ids"
        )
    jwks_static = values.get("jwks_static") or {}
    jwks_url = _url(values, "jwks_url", required=not jwks_static)
    if jwks_static and not (
        isinstance(jwks_static, dict) and isinstance(jwks_static.get("keys"), list)
    ):
        raise ApplicationError(
            "lti_jwks_invalid", _('Paste a JSON Web Key Set ({"keys": [...]}).'), "jwks_static"
        )
    return {
        "name": name,
        "issuer": _url(values, "issuer"),
        "client_id": client_id,
        "deployment_ids": list(deployment_ids),
        "auth_login_url": _url(values, "auth_login_url"),
        "token_url": _url(values, "token_url"),
        "jwks_url": jwks_url,
        "jwks_static": jwks_static,
        "enabled": bool(values.get("enabled", True)),
    }


def _taken(cleaned: dict[str, Any], exclude: int | None = None) -> None:
    others = Platform.objects.filter(issuer=cleaned["issuer"], client_id=cleaned["client_id"])
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ApplicationError(
            "lti_platform_taken",
            _("This issuer and client id are already registered."),
            "client_id",
            status=409,
        )


@transaction.atomic
def platform_create(
    *, organisation: Organisation, actor: User | None, values: dict[str, Any], dynamic: bool = False
) -> Platform:
    cleaned = _platform_values(values)
    _taken(cleaned)
    platform = Platform.objects.create(
        organisation=organisation, registered_dynamically=dynamic, **cleaned
    )
    audit_record(
        action="lti.platform_registered",
        actor=actor,
        organisation=organisation,
        target=platform,
        data={"issuer": platform.issuer, "client_id": platform.client_id, "dynamic": dynamic},
    )
    return platform


@transaction.atomic
def platform_update(*, platform: Platform, actor: User, values: dict[str, Any]) -> Platform:
    cleaned = _platform_values(values)
    _taken(cleaned, exclude=platform.pk)
    for name, value in cleaned.items():
        setattr(platform, name, value)
    platform.jwks_cache = {}
    platform.save()
    audit_record(
        action="lti.platform_updated",
        actor=actor,
        organisation=platform.organisation,
        target=platform,
    )
    return platform


# --- OIDC login (third-party initiated, Security Framework §5.1.1) ---------------------------


def _platform_for(issuer: str, client_id: str) -> Platform:
    candidates = Platform.objects.filter(issuer=issuer, enabled=True).select_related("organisation")
    if client_id:
        candidates = candidates.filter(client_id=client_id)
    found = list(candidates[:2])
    if not found:
        logger.warning(
            "LTI login from an unregistered platform iss=%s client_id=%s", issuer, client_id
        )
        raise ApplicationError(
            "lti_platform_unknown",
            _("This platform is not registered with microcred (issuer %(issuer)s).")
            % {"issuer": issuer or "?"},
            "iss",
        )
    if len(found) > 1:
        raise ApplicationError(
            "lti_client_id_needed",
            _("Several registrations share this issuer: the login must name its client_id."),
            "client_id",
        )
    return found[0]


@transaction.atomic
def login_start(*, params: dict[str, str], redirect_uri: str) -> str:
    """Check a login initiation and answer with the platform's authentication request URL."""
    issuer = params.get("iss", "").strip()
    login_hint = params.get("login_hint", "")
    if not issuer:
        raise ApplicationError("lti_field_required", _("The login names no issuer."), "iss")
    if not login_hint:
        raise ApplicationError(
            "lti_field_required", _("The login has no login_hint."), "login_hint"
        )
    platform = _platform_for(issuer, params.get("client_id", "").strip())
    deployment = params.get("lti_deployment_id", "")
    if deployment and deployment not in platform.deployment_ids:
        raise ApplicationError(
            "lti_deployment_unknown",
            _("The deployment %(id)s is not registered for this platform.") % {"id": deployment},
            "lti_deployment_id",
        )
    state = LoginState.objects.create(
        platform=platform,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        target_link_uri=params.get("target_link_uri", "")[:500],
        created_at=timezone.now(),
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state.state,
        "nonce": state.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return platform.auth_login_url + separator + urlencode(query)


# --- launch ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaunchOutcome:
    platform: Platform
    launch: Launch
    identity: Identity
    membership: Membership
    link: ResourceLink | None
    #: where a resource link launch lands: ("player", {"enrolment_id", "module"}) for a
    #: placed course (the person is enrolled), ("unplaced", {}) if nothing is placed yet
    destination: tuple[str, dict[str, Any]] = ("unplaced", {})

    @property
    def user(self) -> User:
        return self.identity.user


def _refuse(platform: Platform | None, error: LaunchRefused) -> ApplicationError:
    logger.warning(
        "LTI launch refused (platform %s): %s [%s]",
        platform.pk if platform else "?",
        error.message,
        error.claim,
    )
    return ApplicationError(
        "lti_launch_refused",
        _("The launch was refused: %(reason)s.") % {"reason": error.message},
        error.claim,
        status=401,
    )


def _login_state(state: str) -> LoginState:
    row = LoginState.objects.select_related("platform__organisation").filter(state=state).first()
    if row is None or row.created_at < timezone.now() - timedelta(seconds=LOGIN_STATE_SECONDS):
        raise ApplicationError(
            "lti_state_unknown",
            _("This launch does not continue a login started here (or it took too long)."),
            "state",
            status=401,
        )
    return row


def launch_accept(*, id_token: str, state: str, now: float | None = None) -> LaunchOutcome:
    """Verify a launch (signature, claims, nonce once) and sign its person into microcred."""
    if not id_token:
        raise ApplicationError("lti_field_required", _("The launch has no id_token."), "id_token")
    login = _login_state(state)
    platform = login.platform
    issuer, _audience = unverified_issuer(id_token) if id_token.count(".") == 2 else ("", None)
    try:
        if issuer and issuer != platform.issuer:
            raise LaunchRefused("iss", "the id_token comes from another platform (iss)")
        claims = id_token_verify(platform, id_token)
        launch = launch_check(
            claims,
            issuer=platform.issuer,
            client_id=platform.client_id,
            deployment_ids=platform.deployment_ids,
            nonce=login.nonce,
            now=time.time() if now is None else now,
        )
    except LaunchRefused as error:
        raise _refuse(platform, error) from error
    with transaction.atomic():
        claimed = LoginState.objects.filter(pk=login.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not claimed:
            raise _refuse(
                platform, LaunchRefused("nonce", "this launch was already used (replayed nonce)")
            )
        outcome = _launch_apply(platform, launch)
        if outcome.link is not None:
            outcome = replace(outcome, destination=_destination(outcome))
    return outcome


@transaction.atomic
def _launch_apply(platform: Platform, launch: Launch) -> LaunchOutcome:
    identity = identity_for(
        platform=platform, subject=launch.subject, name=launch.name, email=launch.email
    )
    user = identity.user
    membership = member_ensure(
        organisation=platform.organisation, user=user, lti_roles=list(launch.roles)
    )
    link = _link_record(platform, launch) if launch.message_type == RESOURCE_LINK_REQUEST else None
    if launch.message_type == DEEP_LINKING_REQUEST and "issuer" not in membership.role_names:
        raise ApplicationError(
            "lti_not_instructor",
            _("Only instructors and content developers can place microcred content."),
            status=403,
        )
    audit_record(
        action="lti.launch",
        actor=user,
        organisation=platform.organisation,
        target=platform,
        data={"message_type": launch.message_type, "deployment_id": launch.deployment_id},
    )
    return LaunchOutcome(platform, launch, identity, membership, link)


def _synthetic_email(platform: Platform, subject: str) -> str:
    digest = hashlib.sha256(f"{platform.issuer}|{subject}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def identity_for(*, platform: Platform, subject: str, name: str = "", email: str = "") -> Identity:
    """The account mapped to (platform, subject); made on first sight. An e-mail the LMS
    asserts never links to an existing account (an LMS could claim anybody's address)."""
    identity = (
        Identity.objects.select_related("user").filter(platform=platform, subject=subject).first()
    )
    if identity is not None:
        user = identity.user
        if name and user.display_name != name[:150]:
            user.display_name = name[:150]
            user.save(update_fields=["display_name", "search_text"])
        return identity
    address = email.strip().lower()
    if not address or User.objects.filter(email__iexact=address).exists():
        address = _synthetic_email(platform, subject)
    user = User.objects.create_user(email=address, password=None, display_name=name[:150])
    identity = Identity.objects.create(platform=platform, subject=subject, user=user)
    audit_record(
        action="lti.person_created",
        actor=None,
        organisation=platform.organisation,
        target=user,
        data={"platform": platform.name},
    )
    return identity


def member_ensure(*, organisation: Organisation, user: User, lti_roles: list[str]) -> Membership:
    """The person's membership with at least the roles their LTI roles give (roles they
    already hold are kept; a deactivated membership is not brought back by an LMS)."""
    wanted = organisation_roles(lti_roles)
    existing = Membership.objects.filter(organisation=organisation, user=user).first()
    if existing is not None and not existing.is_active:
        raise ApplicationError(
            "lti_membership_inactive",
            _("Your place in %(org)s is deactivated; ask its administrator.")
            % {"org": organisation.name},
            status=403,
        )
    if existing is not None and set(wanted) <= set(existing.role_names):
        return existing
    held = list(existing.role_names) if existing is not None else []
    roles = held + [role for role in wanted if role not in held]
    return org_services.membership_add(organisation=organisation, user=user, roles=roles)


def _course_from_custom(platform: Platform, launch: Launch) -> Course | None:
    public_id = launch.custom.get("course", "")
    if not public_id:
        return None
    course = (
        learning_selectors.published_courses(organisation=platform.organisation)
        .filter(public_id=public_id)
        .first()
        if _is_uuid(public_id)
        else None
    )
    if course is None:
        raise ApplicationError(
            "lti_course_unknown",
            _("The course this link points to is not published in %(org)s.")
            % {"org": platform.organisation.name},
            "custom.course",
            status=404,
        )
    return course


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _link_record(platform: Platform, launch: Launch) -> ResourceLink:
    """The placement of this launch, kept current (written only when something changed)."""
    # no row lock: every launch of a placement would queue behind the others; the unique
    # (platform, resource_link_id) makes creation safe, and a write happens only on change
    link, created = ResourceLink.objects.select_related("course__current_version").get_or_create(
        platform=platform,
        resource_link_id=launch.resource_link_id,
        defaults={"deployment_id": launch.deployment_id},
    )
    before = {f.attname: getattr(link, f.attname) for f in ResourceLink._meta.concrete_fields}
    wanted_course = launch.custom.get("course", "")
    if wanted_course and (link.course is None or str(link.course.public_id) != wanted_course):
        link.course = _course_from_custom(platform, launch)
    if wanted_course:
        link.module_key = launch.custom.get("module", "")[:12]
    link.deployment_id = launch.deployment_id
    link.context_id = launch.context_id[:255]
    link.context_title = launch.context_title[:255]
    ags = launch.ags
    link.lineitem_url = str(ags.get("lineitem") or link.lineitem_url or "")[:500]
    link.lineitems_url = str(ags.get("lineitems") or "")[:500]
    link.ags_scopes = [str(scope) for scope in ags.get("scope") or []]
    link.memberships_url = launch.nrps_url[:500]
    after = {f.attname: getattr(link, f.attname) for f in ResourceLink._meta.concrete_fields}
    if created or after != before:
        link.save()
    return link


def _destination(outcome: LaunchOutcome) -> tuple[str, dict[str, Any]]:
    """Where a resource link launch lands: ``("player", {...})`` for a placed course (the
    person is enrolled), ``("unplaced", {})`` if nothing is placed yet."""
    link = outcome.link
    if link is None or link.course is None:
        return "unplaced", {}
    course = link.course
    organisation = outcome.platform.organisation
    enrolment = (
        learning_selectors.enrolment_list_for_user(
            organisation=organisation, user_id=outcome.user.pk
        )
        .filter(course=course)
        .first()
    )
    if enrolment is None:
        progress.enrolment_assign(
            organisation=organisation,
            actor=None,
            course=course,
            memberships=[outcome.membership],
            due_date=None,
            notify=False,
        )
        enrolment = learning_selectors.enrolment_list_for_user(
            organisation=organisation, user_id=outcome.user.pk
        ).get(course=course)
    number = 1
    snapshot = (course.current_version.snapshot if course.current_version else {}) or {}
    for index, module in enumerate(snapshot.get("modules", []), start=1):
        if module.get("key") == link.module_key:
            number = index
    grades.score_queue(link=link, identity=outcome.identity)
    return "player", {"enrolment_id": enrolment.pk, "module": number}


def states_prune(*, older_than_seconds: int = 86_400) -> int:
    """Forget login states (and so their nonces) past any launch's lifetime."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    removed, _detail = LoginState.objects.filter(created_at__lt=cutoff).delete()
    return removed
