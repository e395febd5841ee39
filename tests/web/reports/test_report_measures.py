"""Each measure against the hand-counted fixture in conftest.py (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from microcred_web.common.errors import ApplicationError
from microcred_web.reports.measures import report_spec_parse
from microcred_web.reports.selectors import report_run

PERIOD = {"start": "2026-10-01", "end": "2026-11-30"}


def run(activity, **choices):
    spec = report_spec_parse({**PERIOD, **choices})
    result = report_run(spec=spec, organisation=activity.world.org)
    return {row.labels if len(row.labels) > 1 else row.labels[0]: row.value for row in result.rows}


def test_issued_and_claimed_by_month_and_achievement(activity) -> None:
    assert run(activity, measure="issued", dimension="month") == {"2026-10": 2, "2026-11": 1}
    assert run(activity, measure="issued", dimension="achievement") == {
        "Forklift": 2,
        "First aid": 1,
    }
    assert run(activity, measure="claimed", dimension="month") == {"2026-10": 1}


def test_issued_by_week_starts_on_monday(activity) -> None:
    assert run(activity, measure="issued", dimension="week") == {
        "2026-10-05": 1,
        "2026-10-19": 1,
        "2026-11-02": 1,
    }


def test_events_by_achievement_channel_and_verifier(activity) -> None:
    assert run(activity, measure="viewed", dimension="achievement") == {"Forklift": 3}
    assert run(activity, measure="viewed", dimension="month") == {"2026-10": 2, "2026-11": 1}
    assert run(activity, measure="shared", dimension="channel") == {"email": 2, "linkedin": 1}
    assert run(activity, measure="linkedin", dimension="month") == {}
    assert run(activity, measure="verified", dimension="verifier") == {
        "Globex": 1,
        "Anonymous": 1,
    }


def test_verifications_by_country_of_the_verifying_organisation(activity) -> None:
    # known only when a signed-in organisation verified (no IP address is ever stored)
    assert run(activity, measure="verified", dimension="verifier_country") == {
        "DE": 1,
        "(none)": 1,
    }


def test_enrolments_completions_and_pass_rate(activity) -> None:
    assert run(activity, measure="enrolments", dimension="month") == {"2026-10": 2}
    assert run(activity, measure="enrolments", dimension="team") == {"Depot": 1, "(none)": 1}
    assert run(activity, measure="completions", dimension="month") == {"2026-10": 1}
    # 1 of 2 October attempts passed, 0 of 1 in November; 1 of 3 overall
    assert run(activity, measure="pass_rate", dimension="month") == {
        "2026-10": 50.0,
        "2026-11": 0.0,
    }
    spec = report_spec_parse({**PERIOD, "measure": "pass_rate", "dimension": "team"})
    result = report_run(spec=spec, organisation=activity.world.org)
    assert {row.labels[0]: (row.count, row.of) for row in result.rows} == {
        "Depot": (1, 2),
        "(none)": (0, 1),
    }
    assert result.total == 33.3


def test_skill_and_job_role_dimensions(activity) -> None:
    # a Forklift credential counts once under each of its two skills
    assert run(activity, measure="issued", dimension="skill") == {
        "Load safely": 2,
        "Operate forklift": 2,
        "(none)": 1,
    }
    assert run(activity, measure="viewed", dimension="skill") == {
        "Load safely": 3,
        "Operate forklift": 3,
    }
    # the learner's credentials (c1, c3) under their role; c2's recipient has none
    assert run(activity, measure="issued", dimension="role") == {
        "Warehouse operative": 2,
        "(none)": 1,
    }
    assert run(activity, measure="pass_rate", dimension="role") == {
        "Warehouse operative": 50.0,
        "(none)": 0.0,
    }


def test_two_dimensions(activity) -> None:
    assert run(activity, measure="shared", dimension="achievement", dimension2="channel") == {
        ("First aid", "email"): 2,
        ("Forklift", "linkedin"): 1,
    }


def test_team_dimension_counts_only_the_organisations_members(activity) -> None:
    # c2's recipient is not a member: no team; the Globex credential never counts
    assert run(activity, measure="issued", dimension="team") == {"Depot": 2}
    assert run(activity, measure="viewed", dimension="team") == {"Depot": 3}


def test_filters_achievement_team_and_dates(activity) -> None:
    first_aid = activity.first_aid.achievement_id
    assert run(activity, measure="shared", dimension="channel", achievement=first_aid) == {
        "email": 2
    }
    team = activity.world.team.pk
    assert run(activity, measure="issued", dimension="achievement", team=team) == {
        "Forklift": 1,
        "First aid": 1,
    }
    assert run(
        activity, measure="viewed", dimension="month", start="2026-10-10", end="2026-10-31"
    ) == {"2026-10": 1}


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ({"measure": "nope"}, "measure"),
        ({"measure": "issued", "dimension": "channel"}, "dimension"),
        ({"measure": "issued", "dimension": "month", "dimension2": "verifier"}, "dimension2"),
        ({"chart": "pie"}, "chart"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-11-01", "end": "2026-10-01"}, "start"),
        ({"achievement": "x"}, "achievement"),
        ({"measure": "enrolments", "achievement": "1"}, "achievement"),
    ],
)
def test_bad_choices_name_the_field(choices, field) -> None:
    with pytest.raises(ApplicationError) as caught:
        report_spec_parse(choices)
    assert caught.value.field == field
