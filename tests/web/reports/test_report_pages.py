"""The builder, saved reports, downloads (CSV, XLSX) and the API, through the test client."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.urls import reverse

from microcred_web.achievements.models import Achievement
from microcred_web.issuing import services as issuing
from microcred_web.reports.models import SavedReport, Visibility

QUERY = {
    "measure": "shared",
    "dimension": "achievement",
    "dimension2": "channel",
    "chart": "stacked",
    "start": "2026-10-01",
    "end": "2026-11-30",
}


def test_builder_shows_table_and_accessible_chart(client, activity) -> None:
    world = activity.world
    client.force_login(world.people["issuer"])
    page = client.get(reverse("reports:builder", args=[world.org.slug]), QUERY)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-table"' in html and 'id="report-total">3<' in html
    assert '<svg class="report-chart"' in html and "<desc id=" in html
    assert "First aid, email: 2" in html  # a stacked segment's own title


def test_builder_refuses_bad_choices_naming_the_field(client, activity) -> None:
    world = activity.world
    client.force_login(world.people["admin"])
    page = client.get(
        reverse("reports:builder", args=[world.org.slug]), {"measure": "issued", "chart": "pie"}
    )
    assert page.status_code == 400
    assert b'id="report-error"' in page.content and b"<strong>chart</strong>" in page.content


def test_csv_download_neutralises_formulas(client, activity) -> None:
    world = activity.world
    Achievement.objects.filter(pk=activity.first_aid.achievement_id).update(
        name='=HYPERLINK("http://evil.example","x")'
    )
    client.force_login(world.people["admin"])
    response = client.get(reverse("reports:download", args=[world.org.slug, "csv"]), QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Achievement", "Channel", "Shares"]
    assert ['\'=HYPERLINK("http://evil.example","x")', "email", "2"] in rows
    assert ["Forklift", "linkedin", "1"] in rows


def test_save_share_and_xlsx(client, activity) -> None:
    world = activity.world
    client.force_login(world.people["issuer"])
    response = client.post(
        reverse("reports:save", args=[world.org.slug]),
        {**QUERY, "name": "Shares by channel", "visibility": "private", "schedule": "weekly"},
    )
    report = SavedReport.objects.get()
    assert response.status_code == 302
    assert (report.owner, report.schedule) == (world.people["issuer"], "weekly")
    assert report.definition["dimensions"] == ["achievement", "channel"]
    url = reverse("reports:saved", args=[world.org.slug, report.pk])
    client.force_login(world.people["admin"])  # private: not for another admin
    assert client.get(url).status_code == 404
    report.visibility = Visibility.ORGANISATION
    report.save()
    assert client.get(url).status_code == 200
    client.force_login(world.others["admin"])  # never another organisation's
    other_url = reverse("reports:saved", args=[world.other.slug, report.pk])
    assert client.get(other_url).status_code == 404
    client.force_login(world.people["admin"])
    saved_xlsx = client.get(
        reverse("reports:saved_download", args=[world.org.slug, report.pk, "xlsx"]),
    )
    sheet = openpyxl.load_workbook(io.BytesIO(saved_xlsx.content)).active
    assert next(sheet.iter_rows(values_only=True)) == ("Achievement", "Channel", "Shares")
    xlsx = client.get(reverse("reports:download", args=[world.org.slug, "xlsx"]), QUERY)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sorted(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("First aid", "email", 2),
        ("Forklift", "linkedin", 1),
    ]


def test_save_without_a_name_changes_nothing(client, activity) -> None:
    world = activity.world
    client.force_login(world.people["admin"])
    response = client.post(reverse("reports:save", args=[world.org.slug]), {**QUERY, "name": " "})
    assert response.status_code == 400
    assert b"<strong>name</strong>" in response.content
    assert not SavedReport.objects.exists()


def test_api_reads_reports_of_its_organisation_only(client, activity) -> None:
    world = activity.world
    _key, secret = issuing.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="BI"
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    run = client.get(f"/api/v1/orgs/{world.org.slug}/reports/run", QUERY, **auth)
    assert run.status_code == 200, run.content
    body = run.json()
    assert body["total"] == 3
    assert {"dimensions": {"achievement": "First aid", "channel": "email"}, "value": 2} in body[
        "rows"
    ]
    bad = client.get(f"/api/v1/orgs/{world.org.slug}/reports/run", {"measure": "x"}, **auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "measure"
    assert client.get(f"/api/v1/orgs/{world.other.slug}/reports/run", **auth).status_code == 404
    private = SavedReport.objects.create(
        organisation=world.org, owner=world.people["admin"], name="Mine", definition=QUERY
    )
    url = f"/api/v1/orgs/{world.org.slug}/reports/{private.pk}"
    assert client.get(url, **auth).status_code == 404
    private.visibility = Visibility.ORGANISATION
    private.save()
    shared = client.get(url, **auth)
    assert shared.status_code == 200 and shared.json()["name"] == "Mine"


def test_only_the_owner_or_an_admin_changes_a_shared_report(client, activity) -> None:
    world = activity.world
    report = SavedReport.objects.create(
        organisation=world.org,
        owner=world.people["admin"],
        name="Shared",
        definition={"measure": "issued", "dimensions": ["month"]},
        visibility=Visibility.ORGANISATION,
    )
    client.force_login(world.people["issuer"])
    changed = client.post(
        reverse("reports:save", args=[world.org.slug]),
        {**QUERY, "name": "Mine now", "report_id": report.pk},
    )
    assert changed.status_code == 400 and b"Only its owner" in changed.content
    deleted = client.post(reverse("reports:delete", args=[world.org.slug, report.pk]))
    assert deleted.status_code == 403  # the error page (ApplicationErrorMiddleware)
    report.refresh_from_db()
    assert report.name == "Shared"
    client.force_login(world.people["admin"])
    client.post(reverse("reports:delete", args=[world.org.slug, report.pk]))
    assert not SavedReport.objects.filter(pk=report.pk).exists()
