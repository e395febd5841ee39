"""The issuing organisation's overview of its credentials: issued, claimed, viewed, shared,
downloaded and verified — totals and per day over the last 30 or 90 days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.analytics import selectors as analytics
from microcred_web.analytics.models import EventKind, VerifyResult
from microcred_web.issuing.models import Credential
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.wallet.charts import daily_bars

PERIODS = (30, 90)


def _credential_days(organisation: Any, field: str, period: analytics.Period) -> dict[date, int]:
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    rows = (
        Credential.objects.filter(
            organisation=organisation, **{f"{field}__gte": start, f"{field}__lt": end}
        )
        .annotate(day=TruncDate(field))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


@org_view(Role.ADMIN, Role.ISSUER)
def insights(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    period = analytics.Period.last_days(days)
    organisation = ctx.organisation
    daily = analytics.organisation_daily_counts(organisation=organisation, period=period)
    series: list[tuple[str, str, dict[date, int], str]] = [
        ("issued", _("Issued"), _credential_days(organisation, "issued_at", period), "#1f4e79"),
        ("claimed", _("Claimed"), _credential_days(organisation, "claimed_at", period), "#2e7d32"),
        ("view", _("Viewed"), daily.get(EventKind.VIEW, {}), "#6a1b9a"),
        ("share", _("Shared"), daily.get(EventKind.SHARE, {}), "#00695c"),
        ("linkedin", _("Added to LinkedIn"), daily.get(EventKind.LINKEDIN, {}), "#0a66c2"),
        ("download", _("Downloaded"), daily.get(EventKind.DOWNLOAD, {}), "#8d4e00"),
        ("verify", _("Verified"), daily.get(EventKind.VERIFY, {}), "#ad1457"),
    ]
    day_list = period.days
    charts = []
    for key, label, counts, colour in series:
        values = [counts.get(d, 0) for d in day_list]
        charts.append(
            {
                "key": key,
                "label": label,
                "total": sum(values),
                "svg": daily_bars(
                    chart_id=f"chart-{key}",
                    title=ngettext(
                        "%(what)s per day, last %(days)d day",
                        "%(what)s per day, last %(days)d days",
                        days,
                    )
                    % {"what": label, "days": days},
                    days=day_list,
                    values=values,
                    colour=colour,
                ),
                "rows": [(d, v) for d, v in zip(day_list, values, strict=True) if v],
            }
        )
    results = dict(VerifyResult.choices)
    breakdowns = [
        (
            _("Shared, by channel"),
            _("Channel"),
            analytics.organisation_breakdown(
                organisation=organisation, period=period, kind=EventKind.SHARE, by="channel"
            ),
        ),
        (
            _("Downloaded, by format"),
            _("Format"),
            analytics.organisation_breakdown(
                organisation=organisation, period=period, kind=EventKind.DOWNLOAD, by="channel"
            ),
        ),
        (
            _("Verified, by result"),
            _("Result"),
            {
                str(results.get(k, k)): v
                for k, v in analytics.organisation_breakdown(
                    organisation=organisation, period=period, kind=EventKind.VERIFY, by="result"
                ).items()
            },
        ),
    ]
    return render(
        request,
        "wallet/insights.html",
        {
            "ctx": ctx,
            "days": days,
            "periods": PERIODS,
            "charts": charts,
            "breakdowns": breakdowns,
            "all_time_issued": Credential.objects.filter(organisation=organisation).count(),
        },
    )
