"""Northwind's report demo: activity behind the dashboards, two saved reports, idempotent."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.analytics.models import CredentialEvent
from microcred_web.reports.demo import DEMO_MARK
from microcred_web.reports.models import SavedReport


def test_demo_has_activity_and_two_shared_reports(client, db) -> None:
    call_command("load_demo", stdout=StringIO())
    counts = (
        CredentialEvent.objects.filter(visitor_hash=DEMO_MARK).count(),
        SavedReport.objects.count(),
    )
    call_command("load_demo", stdout=StringIO())
    assert counts == (
        CredentialEvent.objects.filter(visitor_hash=DEMO_MARK).count(),
        SavedReport.objects.count(),
    )
    assert counts[0] > 50 and counts[1] == 2
    assert CredentialEvent.objects.filter(
        kind="verify", viewer_organisation__slug="contoso"
    ).exists()
    client.force_login(User.objects.get(email="issuer@northwind.example"))
    dashboard = client.get(reverse("reports:dashboard", args=["northwind"])).content.decode()
    totals = re.search(r'id="funnel-programme-table".*?<tfoot>(.*?)</tfoot>', dashboard, re.S)
    assert totals is not None
    issued, claimed, viewed, shared, verified = map(
        int, re.findall(r"<td>(\d+)</td>", totals.group(1))
    )
    assert issued >= claimed and issued >= viewed > 0 and shared > 0 and verified > 0
    for report in SavedReport.objects.all():  # the admin's reports, shared with issuers
        page = client.get(reverse("reports:saved", args=["northwind", report.pk]))
        assert page.status_code == 200
        assert b'id="report-table"' in page.content and b"<rect" in page.content
