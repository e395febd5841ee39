"""Calendar feeds: make (a new address replaces the old one), revoke, find, and the feed."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from microcred_web.accounts.models import User
from microcred_web.calendars.ics import AllDayEvent, calendar_text
from microcred_web.calendars.models import CalendarFeed
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record
from microcred_web.learning.models import Enrolment
from microcred_web.orgs.models import Organisation


def feed_url(token: str) -> str:
    return str(settings.BASE_URL).rstrip("/") + reverse("calendars:feed", kwargs={"token": token})


@transaction.atomic
def feed_create(*, organisation: Organisation, user: User) -> str:
    """A new secret address for the person's feed (any older one stops working)."""
    feed_revoke(organisation=organisation, user=user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(organisation=organisation, user=user, token_hash=token_hash(token))
    audit_record(action="calendars.feed_created", actor=user, organisation=organisation)
    return token


@transaction.atomic
def feed_revoke(*, organisation: Organisation, user: User) -> int:
    revoked = CalendarFeed.objects.filter(
        organisation=organisation, user=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked:
        audit_record(action="calendars.feed_revoked", actor=user, organisation=organisation)
    return revoked


def feed_active(*, organisation: Organisation, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        organisation=organisation, user=user, revoked_at__isnull=True
    ).first()


def feed_find(token: str) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("organisation", "user")
        .first()
    )
    if feed is None or feed.organisation.is_suspended or not feed.user.is_active:
        return None
    if not feed.organisation.memberships.filter(user=feed.user, is_active=True).exists():
        return None
    return feed


def feed_calendar(*, feed: CalendarFeed) -> str:
    """The person's due dates (courses not finished yet) as an iCalendar document."""
    organisation, user = feed.organisation, feed.user
    host = urlsplit(str(settings.BASE_URL)).hostname or "microcred"
    base = str(settings.BASE_URL).rstrip("/")
    enrolments = Enrolment.objects.filter(
        organisation=organisation, user=user, completed_at__isnull=True, due_date__isnull=False
    ).select_related("course")
    with override(user.preferred_language or None):
        events = [
            AllDayEvent(
                uid=f"enrolment-{enrolment.pk}@{host}",
                day=enrolment.due_date,
                summary=_("Due: %(course)s") % {"course": enrolment.course.title},
                description=_("Finish %(course)s for %(organisation)s.")
                % {"course": enrolment.course.title, "organisation": organisation.name},
                url=base
                + reverse(
                    "learning:player",
                    kwargs={"slug": organisation.slug, "enrolment_id": enrolment.pk},
                ),
            )
            for enrolment in enrolments
            if enrolment.due_date is not None
        ]
        name = _("%(organisation)s: due dates") % {"organisation": organisation.name}
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    return calendar_text(name=name, events=events, now=timezone.now())
