"""What a manager does about a team member's expiring credential: assign the refresher course
of its recertification path, or send a nudge (at most one a day per credential)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.assessments import selectors
from microcred_web.assessments.recertification import recertification_requirement
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential
from microcred_web.learning import progress
from microcred_web.learning.models import Course, CourseStatus
from microcred_web.notifications.models import NotificationKind
from microcred_web.notifications.services import notification_send
from microcred_web.orgs.models import Membership, Organisation

NUDGE = "assessments.expiry_nudged"
#: a refresher for a credential already expired is due this many days from now
LATE_REFRESHER_DAYS = 14


def _team_credential(
    organisation: Organisation, manager: Membership, credential_id: int, now: datetime
) -> Credential:
    """One credential of the manager's teams listed on the expiries page, else refused."""
    for credential in selectors.team_expiries(
        organisation=organisation, membership=manager, now=now
    ):
        if credential.pk == credential_id:
            return credential
    raise ApplicationError("not_found", _("This credential is not in your teams."), status=404)


def _holder(organisation: Organisation, credential: Credential) -> Membership:
    holder = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .filter(
            Q(user_id=credential.recipient_user_id)
            | Q(user__email__iexact=credential.recipient_email or "")
        )
        .select_related("user")
        .first()
    )
    if holder is None:
        raise ApplicationError("not_member", _("The holder is no longer a member."), status=404)
    return holder


def refresher_for(credential: Credential) -> Course | None:
    """The published refresher course of the credential's recertification path, if any."""
    requirement = recertification_requirement(credential)
    course = requirement.refresher_course if requirement is not None else None
    if course is None or course.status != CourseStatus.PUBLISHED:
        return None
    return course


def _due(credential: Credential, now: datetime) -> date:
    today = timezone.localdate(now)
    if credential.valid_until is None:
        return today + timedelta(days=LATE_REFRESHER_DAYS)
    ends = timezone.localdate(credential.valid_until)
    return ends if ends >= today else today + timedelta(days=LATE_REFRESHER_DAYS)


def expiry_refresher_assign(
    *, organisation: Organisation, manager: Membership, credential_id: int, now: datetime
) -> Course:
    """Assign the refresher course to the holder, due when the credential ends."""
    credential = _team_credential(organisation, manager, credential_id, now)
    course = refresher_for(credential)
    if course is None:
        raise ApplicationError(
            "no_refresher", _("No refresher course is set for this credential."), "course"
        )
    holder = _holder(organisation, credential)
    progress.enrolment_assign(
        organisation=organisation,
        actor=manager.user,
        course=course,
        memberships=[holder],
        due_date=_due(credential, now),
        restart_finished=True,
    )
    return course


@transaction.atomic
def expiry_nudge(
    *, organisation: Organisation, manager: Membership, credential_id: int, now: datetime
) -> Membership:
    """Remind the holder (in the app and by e-mail, as they chose) that it ends soon."""
    credential = _team_credential(organisation, manager, credential_id, now)
    holder = _holder(organisation, credential)
    recent = AuditEvent.objects.filter(
        organisation=organisation,
        action=NUDGE,
        target_type="issuing.credential",
        target_id=str(credential.pk),
        created_at__gte=now - timedelta(days=1),
    )
    if recent.exists():
        raise ApplicationError("nudged", _("A reminder was already sent today."), "credential")
    name = credential.achievement_version.name
    expired = credential.valid_until is not None and credential.valid_until <= now
    title = (
        _("Your credential “%(name)s” has expired") % {"name": name}
        if expired
        else _("Your credential “%(name)s” expires on %(date)s")
        % {"name": name, "date": timezone.localdate(credential.valid_until).isoformat()}
    )
    notification_send(
        organisation=organisation,
        user=holder.user,
        kind=NotificationKind.EXPIRED if expired else NotificationKind.DUE_SOON,
        title=title,
        body=_("%(manager)s asks you to renew it.") % {"manager": manager.user.get_full_name()},
        url=reverse("issuing:credential", kwargs={"public_id": credential.public_id}),
    )
    audit_record(
        action=NUDGE,
        actor=manager.user,
        organisation=organisation,
        target=credential,
        data={"achievement": name, "recipient": credential.recipient_label},
    )
    return holder
