"""Counts take their singular ('1 view', not '1 views') and dates name their month
('7 Dec 2026', never '12/07/2026') — issue 16, item 3."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from microcred_web.analytics.services import event_record
from microcred_web.common.templatetags.plurals import plural_count


def test_one_view_is_singular(client, world, credential):
    event_record(kind="view", credential_id=credential.pk, organisation_id=world.org.pk, channel="")
    client.force_login(world.people["learner"])
    html = client.get(reverse("wallet:home")).content.decode()
    assert "1 view ·" in html and "1 views" not in html
    assert "0 shares" in html and "0 downloads" in html


def test_dates_name_the_month_in_every_language(client, world, credential):
    client.force_login(world.people["issuer"])
    html = client.get(reverse("issuing:list", kwargs={"slug": world.org.slug})).content.decode()
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", html)  # no 12/07/2026
    day = credential.issued_at
    assert date_format(day, "SHORT_DATE_FORMAT") == f"{day.day} {day:%b} {day.year}"
    assert date_format(day, "SHORT_DATE_FORMAT") in html
    with translation.override("fr"):
        assert re.fullmatch(r"\d{1,2} \w+\.? \d{4}", date_format(day, "SHORT_DATE_FORMAT"))
        assert not re.search(r"\d/\d", date_format(day, "SHORT_DATETIME_FORMAT"))


def test_plural_count_for_decimal_amounts():
    assert [plural_count(v) for v in ("1", "1.00", "2", "0", "1.5", "0.5", "x")] == [
        1,
        1,
        2,
        0,
        2,
        2,
        0,
    ]
