"""The per-person ICS feed of due dates: read over real HTTP, parsed by the independent
`icalendar` package, private to its person, and revocable."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.error import HTTPError
from urllib.request import urlopen

import icalendar
import pytest
from django.utils import timezone
from tests.web.learning.conftest import build_course

from microcred_web.calendars import services
from microcred_web.calendars.ics import fold
from microcred_web.learning import progress
from microcred_web.orgs.models import Membership


@pytest.fixture
def due(make_org, make_member):
    org = make_org("acme", "Acme Training")
    admin = make_member(org, "admin", "issuer", email="admin@acme.example")
    learner = make_member(org, "learner", email="lee@acme.example")
    course, _quiz = build_course(org, admin)
    course.title = "Safe lifting; part 1, the basics"
    course.save(update_fields=["title"])
    when = timezone.localdate() + timedelta(days=10)
    progress.enrolment_assign(
        organisation=org,
        actor=admin,
        course=course,
        memberships=[Membership.objects.get(organisation=org, user=learner)],
        due_date=when,
        notify=False,
    )
    return org, learner, when


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urlopen(url, timeout=10) as response:  # loopback test server
            return response.status, response.read(), response.headers["Content-Type"]
    except HTTPError as error:
        return error.code, b"", ""


@pytest.mark.django_db(transaction=True)
def test_the_feed_is_valid_icalendar_with_the_due_date(settings, live_server, due) -> None:
    settings.BASE_URL = live_server.url
    org, learner, when = due
    token = services.feed_create(organisation=org, user=learner)
    status, body, content_type = _fetch(services.feed_url(token))
    assert status == 200 and content_type.startswith("text/calendar")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == when
    assert event.decoded("DTEND") == when + timedelta(days=1)
    assert str(event["SUMMARY"]) == "Due: Safe lifting; part 1, the basics"
    assert str(event["URL"]).startswith(f"{live_server.url}/o/acme/learning/my/")
    assert event["UID"] and event["DTSTAMP"]


@pytest.mark.django_db(transaction=True)
def test_a_new_address_or_revoking_stops_the_old_one(settings, live_server, due) -> None:
    settings.BASE_URL = live_server.url
    org, learner, _when = due
    first = services.feed_create(organisation=org, user=learner)
    second = services.feed_create(organisation=org, user=learner)
    assert _fetch(services.feed_url(first))[0] == 404
    assert _fetch(services.feed_url(second))[0] == 200
    services.feed_revoke(organisation=org, user=learner)
    assert _fetch(services.feed_url(second))[0] == 404


def test_the_page_makes_an_address_shown_once_and_revokes_it(client, due) -> None:
    _org, learner, _when = due
    client.force_login(learner)
    made = client.post("/o/acme/calendar/new/", follow=True)
    url = re.search(rb'data-testid="calendar-url">([^<]+)<', made.content).group(1).decode()
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    again = client.get("/o/acme/calendar/")
    assert b"calendar-url" not in again.content
    client.post("/o/acme/calendar/revoke/")
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_feed_shows_only_its_own_persons_unfinished_due_dates(due, make_member) -> None:
    org, learner, _when = due
    colleague = make_member(org, "learner", email="col@acme.example")
    feed = services.feed_find(services.feed_create(organisation=org, user=colleague))
    assert feed is not None
    assert "BEGIN:VEVENT" not in services.feed_calendar(feed=feed)
    Membership.objects.filter(organisation=org, user=learner).update(is_active=False)
    token = services.feed_create(organisation=org, user=learner)
    assert services.feed_find(token) is None  # someone who left sees nothing


def test_folding_never_splits_a_character_and_escapes_text() -> None:
    from microcred_web.calendars.ics import escape_text

    line = "SUMMARY:" + "é" * 60
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
