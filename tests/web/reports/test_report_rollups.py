"""Daily rollups give the same numbers as the events, and reports read them only when every
day of the period is rolled up complete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.reports.measures import MEASURES, report_spec_parse
from microcred_web.reports.models import EventRollup, RollupDay
from microcred_web.reports.rollups import rollup_day_refresh
from microcred_web.reports.selectors import report_run

START, END = date(2026, 10, 1), date(2026, 11, 30)
AFTER = datetime(2026, 12, 7, tzinfo=UTC)
EVENT_MEASURES = [key for key, m in MEASURES.items() if m.source == "event"]
DIMENSIONS = [("achievement",), ("channel",), ("month",), ("week", "achievement")]


def _refresh_period(now: datetime = AFTER) -> None:
    day = START
    while day <= END:
        rollup_day_refresh(day, now=now)
        day += timedelta(days=1)


def _table(result):
    return sorted((row.labels, row.value) for row in result.rows)


@pytest.mark.parametrize("measure", EVENT_MEASURES)
def test_rollups_match_the_events(activity, measure) -> None:
    _refresh_period()
    organisation = activity.world.org
    for dimensions in DIMENSIONS:
        spec = report_spec_parse(
            {
                "measure": measure,
                "dimensions": list(dimensions),
                "start": "2026-10-01",
                "end": "2026-11-30",
            }
        )
        fast = report_run(spec=spec, organisation=organisation)
        live = report_run(spec=spec, organisation=organisation, rollups=False)
        assert (fast.source, live.source) == ("rollup", "live")
        assert _table(fast) == _table(live), (measure, dimensions)


def test_verifier_and_achievement_filter_from_rollups(activity) -> None:
    _refresh_period()
    spec = report_spec_parse(
        {
            "measure": "verified",
            "dimension": "verifier",
            "start": "2026-10-01",
            "end": "2026-11-30",
            "achievement": str(activity.forklift.achievement_id),
        }
    )
    result = report_run(spec=spec, organisation=activity.world.org)
    assert result.source == "rollup"
    assert {row.labels[0]: row.value for row in result.rows} == {"Globex": 1, "Anonymous": 1}
    # Globex's own events are rolled up under Globex only
    assert (
        sum(
            EventRollup.objects.filter(organisation_id=activity.world.other.pk).values_list(
                "count", flat=True
            )
        )
        == 5
    )


def test_reports_read_events_when_rollups_do_not_cover_the_period(activity) -> None:
    organisation = activity.world.org
    spec = report_spec_parse(
        {"measure": "viewed", "dimension": "month", "start": "2026-10-01", "end": "2026-11-30"}
    )
    assert report_run(spec=spec, organisation=organisation).source == "live"  # none yet
    _refresh_period(now=datetime(2026, 11, 30, 12, tzinfo=UTC))  # the last day not over yet
    assert not RollupDay.objects.get(day=END).complete
    assert report_run(spec=spec, organisation=organisation).source == "live"
    _refresh_period()
    assert report_run(spec=spec, organisation=organisation).source == "rollup"
    by_team = report_spec_parse(
        {"measure": "viewed", "dimension": "team", "start": "2026-10-01", "end": "2026-11-30"}
    )
    assert report_run(spec=by_team, organisation=organisation).source == "live"


def test_refresh_is_repeatable_and_the_command_runs(activity) -> None:
    rollup_day_refresh(date(2026, 10, 6), now=AFTER)
    first = list(
        EventRollup.objects.filter(day=date(2026, 10, 6)).values_list("kind", "channel", "count")
    )
    rollup_day_refresh(date(2026, 10, 6), now=AFTER)
    again = list(
        EventRollup.objects.filter(day=date(2026, 10, 6)).values_list("kind", "channel", "count")
    )
    assert sorted(first) == sorted(again) == [("share", "linkedin", 1), ("view", "", 1)]
    out = StringIO()
    call_command("reports_rollup", "--days", "3", stdout=out)
    assert "for the last 3 days" in out.getvalue()
