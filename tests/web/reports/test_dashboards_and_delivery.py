"""Dashboards per role (managers see only their teams) and scheduled e-mail delivery (once per
period, with a CSV and an XLSX that a spreadsheet library opens)."""

from __future__ import annotations

import io
import socket
from datetime import UTC, date, datetime

import openpyxl
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred_web.issuing.models import Credential
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Membership
from microcred_web.reports import dashboards
from microcred_web.reports.delivery import period_due, scheduled_reports_deliver
from microcred_web.reports.models import ReportDelivery, SavedReport


def _text(content: str | bytes) -> str:
    """An attachment's text (Django hands text/* attachments back as str)."""
    text = content.decode() if isinstance(content, bytes) else content
    return text.removeprefix("\ufeff")


def _funnel(rows):
    return {row.achievement: row.stages for row in rows}


def test_funnel_per_achievement_by_hand(activity) -> None:
    rows = dashboards.funnel_per_achievement(
        organisation=activity.world.org, start=date(2026, 10, 1), end=date(2026, 11, 30)
    )
    # issued, claimed, viewed, shared, verified (credentials reaching each stage at least once)
    assert _funnel(rows) == {"Forklift": [2, 1, 1, 1, 2], "First aid": [1, 0, 0, 1, 0]}
    assert dashboards.funnel_total(rows) == [3, 1, 1, 2, 2]


def test_manager_funnel_counts_only_their_teams(activity, make_member) -> None:
    world = activity.world
    manager = Membership.objects.get(organisation=world.org, user=world.people["manager"])
    period = {"start": date(2026, 10, 1), "end": date(2026, 11, 30)}
    mine = dashboards.funnel_per_achievement(
        organisation=world.org, teams=[world.team.pk], **period
    )
    assert _funnel(mine) == {"Forklift": [1, 1, 1, 1, 1], "First aid": [1, 0, 0, 1, 0]}
    # another team's person: never in this manager's numbers
    colleague = make_member(world.org, "learner", email="colleague@acme.example")
    other_team = org_services.team_create(
        organisation=world.org,
        name="Office",
        managers=[],
        members=[Membership.objects.get(organisation=world.org, user=colleague)],
    )
    Credential.objects.filter(pk=activity.c2.pk).update(recipient_user=colleague)
    assert _funnel(
        dashboards.funnel_per_achievement(organisation=world.org, teams=[world.team.pk], **period)
    ) == _funnel(mine)
    assert _funnel(
        dashboards.funnel_per_achievement(organisation=world.org, teams=[other_team.pk], **period)
    ) == {"Forklift": [1, 0, 0, 0, 1]}
    assert [t.pk for t in manager.managed_teams.all()] == [world.team.pk]


def test_dashboard_page_per_role(client, activity) -> None:
    world = activity.world
    url = reverse("reports:dashboard", args=[world.org.slug])
    Credential.objects.filter(pk=activity.c2.pk).update(
        issued_at=timezone.now(), delivery_status="bounced", bounce_reason="mailbox full"
    )
    client.force_login(world.people["manager"])
    manager_page = client.get(url).content.decode()
    assert 'id="section-teams"' in manager_page
    assert 'id="section-programme"' not in manager_page
    assert 'id="delivery-problems"' not in manager_page
    assert "outsider@example.com" not in manager_page
    client.force_login(world.people["issuer"])
    issuer_page = client.get(url).content.decode()
    assert 'id="delivery-problems"' in issuer_page and "mailbox full" in issuer_page
    assert 'id="section-programme"' in issuer_page
    assert 'id="funnel-programme"' in issuer_page  # the SVG funnel
    client.force_login(world.others["admin"])
    assert client.get(url).status_code == 404


def test_periods_due() -> None:
    monday = date(2026, 12, 7)
    assert period_due("weekly", monday) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_due("weekly", date(2026, 12, 13)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_due("monthly", date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_due("monthly", date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_due("", monday) is None


def test_scheduled_report_is_sent_once_per_period_with_csv_and_xlsx(activity) -> None:
    world = activity.world
    SavedReport.objects.create(
        organisation=world.org,
        owner=world.people["admin"],
        name="Monthly shares",
        definition={"measure": "shared", "dimensions": ["channel"], "chart": "bar"},
        schedule="monthly",
    )
    first = datetime(2026, 12, 1, 6, tzinfo=UTC)
    assert scheduled_reports_deliver(first) == {"sent": 1, "failed": 0}
    assert scheduled_reports_deliver(first) == {"sent": 0, "failed": 0}  # same day again
    later = datetime(2026, 12, 20, 6, tzinfo=UTC)
    assert scheduled_reports_deliver(later) == {"sent": 0, "failed": 0}  # same period
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.people["admin"].email]
    assert "Monthly shares" in message.subject and "2026-11-01" in message.subject
    files = {name: (content, kind) for name, content, kind in message.attachments}
    csv_name = "monthly-shares-2026-11-01-2026-11-30.csv"
    xlsx_name = "monthly-shares-2026-11-01-2026-11-30.xlsx"
    assert set(files) == {csv_name, xlsx_name}
    assert _text(files[csv_name][0]).splitlines() == ["Channel,Shares", "email,2"]
    sheet = openpyxl.load_workbook(io.BytesIO(files[xlsx_name][0])).active
    assert list(sheet.iter_rows(values_only=True)) == [("Channel", "Shares"), ("email", 2)]
    delivery = ReportDelivery.objects.get()
    assert (delivery.period_start, delivery.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    # next month: the next period
    assert scheduled_reports_deliver(datetime(2027, 1, 1, tzinfo=UTC))["sent"] == 1
    assert ReportDelivery.objects.count() == 2


def test_a_failed_send_is_retried_next_run(activity, settings) -> None:
    world = activity.world
    SavedReport.objects.create(
        organisation=world.org,
        owner=world.people["admin"],
        name="Weekly",
        definition={"measure": "issued", "dimensions": ["achievement"]},
        schedule="weekly",
    )
    # a real SMTP backend aimed at a loopback port where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    now = datetime(2026, 11, 9, 6, tzinfo=UTC)
    assert scheduled_reports_deliver(now) == {"sent": 0, "failed": 1}
    assert not ReportDelivery.objects.exists()  # the claim rolled back with the send
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert scheduled_reports_deliver(now) == {"sent": 1, "failed": 0}
    body = _text(mail.outbox[-1].attachments[0][1])
    assert body.splitlines() == ["Achievement,Credentials issued", "First aid,1"]  # 2–8 Nov


def test_home_card_counts_the_last_30_days_per_role(client, activity) -> None:
    world = activity.world
    now = timezone.now()
    Credential.objects.filter(pk__in=[activity.c1.pk, activity.c2.pk]).update(issued_at=now)
    home = reverse("orgs:dashboard", kwargs={"slug": world.org.slug})
    client.force_login(world.people["admin"])
    admin_page = client.get(home).content.decode()
    card = admin_page.split('id="dash-reports"', 1)[1].split("</section>", 1)[0]
    assert 'class="stat">2 ' in card and "Build a report" in card  # c1 and c2
    client.force_login(world.people["manager"])
    manager_page = client.get(home).content.decode()
    card = manager_page.split('id="dash-reports"', 1)[1].split("</section>", 1)[0]
    assert 'class="stat">1 ' in card  # c1 only: c2 is an outsider's
    assert "Build a report" not in card
    client.force_login(world.people["learner"])
    assert 'id="dash-reports"' not in client.get(home).content.decode()
