"""Reads owned by the reports app: running a report (one aggregate query), saved reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.analytics.models import CredentialEvent
from microcred_web.issuing.models import Credential
from microcred_web.learning.models import Enrolment, QuizAttempt
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Organisation, Role, Team
from microcred_web.reports.measures import (
    ATTEMPT,
    CREDENTIAL,
    DIMENSION_LABELS,
    ENROLMENT,
    EVENT,
    ROLE,
    TIME_DIMENSIONS,
    ReportSpec,
    report_spec_parse,
)
from microcred_web.reports.models import SavedReport, Visibility
from microcred_web.reports.periods import day_bounds
from microcred_web.reports.rollups import ROLLUP_COLUMNS, rollup_counts, rollups_cover
from microcred_web.skills.models import JobRole, PersonRole, Skill

_SOURCES: dict[str, Any] = {
    CREDENTIAL: Credential.objects,
    EVENT: CredentialEvent.objects,
    ENROLMENT: Enrolment.objects,
    ATTEMPT: QuizAttempt.objects,
}


@dataclass(frozen=True)
class ReportRow:
    keys: tuple[Any, ...]  # the dimension values as grouped (ids, dates, channels)
    labels: tuple[str, ...]  # as shown
    value: int | float  # a count, or a rate in % (one decimal)
    count: int = 0  # a rate's rows matching
    of: int = 0  # a rate's rows in all


@dataclass(frozen=True)
class ReportResult:
    spec: ReportSpec
    rows: list[ReportRow]
    source: str = "live"  # or "rollup": read from the daily rollups

    @property
    def header(self) -> list[str]:
        names = [str(DIMENSION_LABELS[name]) for name in self.spec.dimensions]
        return [*names, str(self.spec.measure_def.label)]

    @property
    def table(self) -> list[list[object]]:
        return [[*row.labels, row.value] for row in self.rows]

    @property
    def total(self) -> int | float:
        """The sum of the counts; for a rate, the rate over all rows."""
        if self.spec.measure_def.passed_when is not None:
            of = sum(row.of for row in self.rows)
            return _rate(sum(row.count for row in self.rows), of)
        return sum(row.value for row in self.rows)


def _rate(count: int, of: int) -> float:
    return round(100 * count / of, 1) if of else 0.0


def _queryset(spec: ReportSpec, organisation: Organisation, teams: Iterable[int] | None) -> Any:
    """The measure's rows in the organisation, the period and the filters. ``teams`` (a
    manager's) keeps only rows of people in those teams."""
    measure = spec.measure_def
    low, high = day_bounds(spec.start, spec.end)
    date_field = measure.date_field
    rows: QuerySet[Any] = _SOURCES[measure.source].filter(
        **{measure.organisation_path: organisation},
        **{f"{date_field}__gte": low, f"{date_field}__lt": high},
        **measure.conditions,
    )
    if spec.achievement is not None:
        rows = rows.filter(**{measure.paths["achievement"]: spec.achievement})
    team_path = measure.paths.get("team")
    if team_path and "team" in spec.dimensions and team_path.endswith("memberships__teams"):
        # the recipient's membership of this organisation only (its teams, not another's)
        membership_org = team_path.removesuffix("__teams") + "__organisation"
        rows = rows.filter(**{membership_org: organisation})
    if spec.team is not None and team_path:
        rows = rows.filter(**{team_path: spec.team})
    if teams is not None and team_path:
        rows = rows.filter(**{f"{team_path}__in": list(teams)})
    return rows


def _rollup_usable(spec: ReportSpec, teams: Iterable[int] | None) -> bool:
    """Event measures by achievement, channel, verifier, week or month, without a team
    filter, over days all rolled up."""
    measure = spec.measure_def
    return (
        measure.source == EVENT
        and spec.team is None
        and teams is None
        and all(name in ROLLUP_COLUMNS or name in TIME_DIMENSIONS for name in spec.dimensions)
        and rollups_cover(spec.start, spec.end)
    )


def _live_counts(
    spec: ReportSpec, organisation: Organisation, teams: Iterable[int] | None
) -> list[tuple[tuple[Any, ...], int, int]]:
    """``[(dimension values, rows, rows passed)]`` from the measure's own table."""
    measure = spec.measure_def
    rows = _queryset(spec, organisation, teams)
    group: list[str] = []
    for name in spec.dimensions:
        if name == "week":
            rows = rows.annotate(week=TruncWeek(measure.date_field))
            group.append("week")
        elif name == "month":
            rows = rows.annotate(month=TruncMonth(measure.date_field))
            group.append("month")
        elif name == ROLE:  # the person's current job role in this organisation
            current = PersonRole.objects.filter(
                organisation=organisation, user=OuterRef(measure.paths[ROLE])
            ).values("current")[:1]
            rows = rows.annotate(job_role=Subquery(current))
            group.append("job_role")
        else:
            group.append(measure.paths[name])
    counts: dict[str, Any] = {"n": Count("id", distinct=True)}
    if measure.passed_when is not None:
        counts["passed"] = Count("id", filter=Q(**measure.passed_when), distinct=True)
    grouped = rows.values(*group).annotate(**counts).order_by()
    return [
        (tuple(item[g] for g in group), int(item["n"]), int(item.get("passed", 0)))
        for item in grouped
    ]


def report_run(
    *,
    spec: ReportSpec,
    organisation: Organisation,
    teams: Iterable[int] | None = None,
    rollups: bool = True,
) -> ReportResult:
    """Run ``spec`` over ``organisation``'s data: one ``GROUP BY`` query, counting distinct
    rows (a person in two teams counts once in each). Event measures read the daily
    rollups when they cover the period (``rollups=False``: always the events)."""
    measure = spec.measure_def
    source = "live"
    if rollups and _rollup_usable(spec, teams):
        source = "rollup"
        raw = [
            (keys, n, 0)
            for keys, n in rollup_counts(
                organisation_id=organisation.pk,
                kind=measure.conditions["kind"],
                dimensions=spec.dimensions,
                start=spec.start,
                end=spec.end,
                achievement=spec.achievement,
            )
        ]
    else:
        raw = _live_counts(spec, organisation, teams)
    labels = _labels(spec, organisation, [(keys, n) for keys, n, _p in raw])
    result = []
    for keys, n, passed in raw:
        names = tuple(labels[i].get(key, _("(none)")) for i, key in enumerate(keys))
        if measure.passed_when is not None:
            result.append(ReportRow(keys, names, _rate(passed, n), count=passed, of=n))
        else:
            result.append(ReportRow(keys, names, n))
    result.sort(key=lambda row: _order(spec, row))
    return ReportResult(spec=spec, rows=result, source=source)


def _order(spec: ReportSpec, row: ReportRow) -> tuple[Any, ...]:
    key: list[Any] = []
    for name, value, label in zip(spec.dimensions, row.keys, row.labels, strict=True):
        if name in TIME_DIMENSIONS:
            key.append((0, value.isoformat() if value else ""))
        else:
            key.append((1, label.casefold()))
    return tuple(key)


def _time_label(name: str, value: Any) -> str:
    if value is None:
        return _("(none)")
    day = value.date() if isinstance(value, datetime) else value
    return day.strftime("%Y-%m") if name == "month" else day.isoformat()


def _labels(
    spec: ReportSpec, organisation: Organisation, raw: list[tuple[tuple[Any, ...], int]]
) -> list[dict[Any, str]]:
    """For each dimension, what its grouped values are called."""
    result: list[dict[Any, str]] = []
    for i, name in enumerate(spec.dimensions):
        values = {keys[i] for keys, _n in raw}
        ids = [v for v in values if isinstance(v, int)]
        names: dict[Any, str]
        if name in TIME_DIMENSIONS:
            names = {v: _time_label(name, v) for v in values}
        elif name == "achievement":
            names = dict(
                Achievement.objects.filter(organisation=organisation, pk__in=ids).values_list(
                    "pk", "name"
                )
            )
        elif name == "team":
            names = dict(
                Team.objects.filter(organisation=organisation, pk__in=ids).values_list("pk", "name")
            )
        elif name == ROLE:
            names = dict(
                JobRole.objects.filter(organisation=organisation, pk__in=ids).values_list(
                    "pk", "name"
                )
            )
        elif name == "skill":
            names = dict(Skill.objects.filter(pk__in=ids).values_list("pk", "label"))
        elif name == "issuer":
            names = {
                user.pk: user.display_name or user.email for user in User.objects.filter(pk__in=ids)
            }
        elif name == "verifier":
            names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
            names[None] = _("Anonymous")
        else:  # channel
            names = {v: str(v) for v in values if v}
        result.append(names)
    return result


# -- saved reports -------------------------------------------------------------------------

READERS = (Role.ADMIN, Role.ISSUER)


def saved_reports_visible(*, ctx: OrgContext) -> QuerySet[SavedReport]:
    """The requester's own reports and those shared with the organisation."""
    return (
        SavedReport.objects.filter(organisation=ctx.organisation)
        .filter(Q(owner=ctx.user) | Q(visibility=Visibility.ORGANISATION))
        .select_related("owner")
    )


def saved_report_for(*, ctx: OrgContext, report_id: int) -> SavedReport | None:
    return saved_reports_visible(ctx=ctx).filter(pk=report_id).first()


def filter_choices(*, organisation: Organisation) -> dict[str, list[tuple[int, str]]]:
    return {
        "achievements": list(
            Achievement.objects.filter(organisation=organisation)
            .order_by("name")
            .values_list("pk", "name")
        ),
        "teams": list(
            Team.objects.filter(organisation=organisation)
            .order_by("name")
            .values_list("pk", "name")
        ),
    }


def saved_report_spec(*, report: SavedReport, today: date | None = None) -> ReportSpec:
    """A saved report's choices, its period moved to end today (same length): a saved
    report is a rolling window."""
    today = today or timezone.now().date()
    definition = dict(report.definition)
    try:
        length = date.fromisoformat(definition["end"]) - date.fromisoformat(definition["start"])
    except (KeyError, TypeError, ValueError):
        length = timedelta(days=89)
    definition["end"] = today.isoformat()
    definition["start"] = (today - length).isoformat()
    return report_spec_parse(definition, today=today)
