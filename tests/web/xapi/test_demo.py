"""Northwind has an xAPI client whose documented key and secret work, two stored statements,
and a learner whose documented calendar address lists their due date. Loading twice changes
nothing."""

from __future__ import annotations

import base64
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command

from microcred_web.accounts.models import User
from microcred_web.calendars.demo import DEMO_TOKEN
from microcred_web.xapi.demo import DEMO_KEY, DEMO_SECRET
from microcred_web.xapi.models import XapiClient, XapiStatement

pytestmark = pytest.mark.django_db


def test_demo_xapi_client_and_calendar_feed(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert XapiClient.objects.filter(organisation__slug="northwind").count() == 1
    assert XapiStatement.objects.filter(organisation__slug="northwind").count() == 2
    client.force_login(User.objects.get(email="admin@northwind.example"))
    page = client.get("/o/northwind/xapi/").content.decode()
    assert "Articulate Rise (demo)" in page and DEMO_SECRET not in page
    assert "/o/northwind/xapi/" in client.get("/o/northwind/").content.decode()  # in the menu
    client.logout()
    basic = base64.b64encode(f"{DEMO_KEY}:{DEMO_SECRET}".encode()).decode()
    listed = client.get(
        "/xapi/statements",
        HTTP_AUTHORIZATION=f"Basic {basic}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert listed.status_code == 200 and len(listed.json()["statements"]) == 2
    feed = client.get(f"/calendar/{DEMO_TOKEN}.ics")
    assert feed.status_code == 200
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert events and all(str(e["SUMMARY"]).startswith("Due: ") for e in events)
