"""What a report can count (measures), what it can break the count down by (dimensions), and
the checked choices of one report (:class:`ReportSpec`).

Every measure is one ``GROUP BY`` over one table (credentials, credential events, enrolments),
so the numbers come from the database, never from a loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred_web.common.errors import ApplicationError

CREDENTIAL, EVENT, ENROLMENT, ATTEMPT = "credential", "event", "enrolment", "attempt"
TIME_DIMENSIONS = ("week", "month")


@dataclass(frozen=True)
class Measure:
    """``paths`` maps each dimension the measure supports to the field holding it (an id or a
    value); the time dimensions truncate ``date_field``."""

    key: str
    label: Promise
    source: str
    date_field: str
    conditions: Mapping[str, Any]
    paths: Mapping[str, str]
    organisation_path: str = "organisation"
    #: the person the row is about (for the job-role dimension)
    user_path: str = ""
    #: a rate: the share (in %) of rows matching ``passed_when`` instead of a count
    passed_when: Mapping[str, Any] | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        return (*self.paths, *TIME_DIMENSIONS)


#: the job-role dimension is looked up per person (skills.PersonRole), not joined
ROLE = "role"

_CREDENTIAL_PATHS = {
    "achievement": "achievement_version__achievement",
    "team": "recipient_user__memberships__teams",
    ROLE: "recipient_user",
    "skill": "achievement_version__achievement__skill_alignments__skill",
    "issuer": "issued_by",
}
_EVENT_PATHS = {
    "achievement": "credential__achievement_version__achievement",
    "team": "credential__recipient_user__memberships__teams",
    ROLE: "credential__recipient_user",
    "skill": "credential__achievement_version__achievement__skill_alignments__skill",
    "issuer": "credential__issued_by",
    "channel": "channel",
}


def _event(key: str, label: Promise, kind: str, **extra_paths: str) -> Measure:
    return Measure(key, label, EVENT, "created_at", {"kind": kind}, {**_EVENT_PATHS, **extra_paths})


MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in (
        Measure("issued", _("Credentials issued"), CREDENTIAL, "issued_at", {}, _CREDENTIAL_PATHS),
        Measure(
            "claimed",
            _("Credentials claimed"),
            CREDENTIAL,
            "claimed_at",
            {"claimed_at__isnull": False},
            _CREDENTIAL_PATHS,
        ),
        _event("viewed", _("Views"), "view"),
        _event("shared", _("Shares"), "share"),
        _event("downloaded", _("Downloads"), "download"),
        _event("linkedin", _("LinkedIn adds"), "linkedin"),
        _event(
            "verified",
            _("Verifications"),
            "verify",
            verifier="viewer_organisation",
            verifier_country="viewer_organisation__country",
        ),
        _event("claims_recorded", _("Claim events"), "claim"),
        Measure(
            "enrolments",
            _("Enrolments"),
            ENROLMENT,
            "created_at",
            {},
            {"team": "team", ROLE: "user"},
        ),
        Measure(
            "completions",
            _("Course completions"),
            ENROLMENT,
            "completed_at",
            {"completed_at__isnull": False},
            {"team": "team", ROLE: "user"},
        ),
        Measure(
            "pass_rate",
            _("Assessment pass rate (%)"),
            ATTEMPT,
            "submitted_at",
            {"submitted_at__isnull": False},
            {"team": "enrolment__team", ROLE: "user"},
            organisation_path="enrolment__organisation",
            passed_when={"passed": True},
        ),
    )
}

DIMENSION_LABELS: dict[str, Promise] = {
    "achievement": _("Achievement"),
    "team": _("Team"),
    "role": _("Job role"),
    "skill": _("Skill"),
    "issuer": _("Issued by"),
    "channel": _("Channel"),
    "verifier": _("Verifying organisation"),
    "verifier_country": _("Country of the verifying organisation"),
    "week": _("Week"),
    "month": _("Month"),
}

CHARTS: dict[str, Promise] = {
    "bar": _("Bars"),
    "line": _("Line"),
    "stacked": _("Stacked bars"),
    "heatmap": _("Heatmap"),
}

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportSpec:
    """One report's checked choices; ``definition`` is what a saved report stores."""

    measure: str
    dimensions: tuple[str, ...]
    chart: str
    start: date
    end: date  # inclusive
    achievement: int | None = None
    team: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def definition(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("extra")
        values["dimensions"] = list(self.dimensions)
        values["start"], values["end"] = self.start.isoformat(), self.end.isoformat()
        return values

    @property
    def measure_def(self) -> Measure:
        return MEASURES[self.measure]


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _optional_id(values: Mapping[str, Any], name: str) -> int | None:
    text = _text(values, name)
    if not text:
        return None
    if not text.isdigit():
        raise ApplicationError("report_invalid", gettext("Choose one from the list."), name)
    return int(text)


def _day(values: Mapping[str, Any], name: str, default: date) -> date:
    text = _text(values, name)
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            "report_invalid", gettext("Enter a date as YYYY-MM-DD."), name
        ) from None


def report_spec_parse(values: Mapping[str, Any], *, today: date | None = None) -> ReportSpec:
    """Check a report's choices (a form, a query string or a saved definition); a wrong one
    raises :class:`ApplicationError` naming its field."""
    today = today or timezone.now().date()
    measure_key = _text(values, "measure") or "issued"
    measure = MEASURES.get(measure_key)
    if measure is None:
        raise ApplicationError(
            "report_invalid", gettext("Choose a measure from the list."), "measure"
        )
    raw = values.get("dimensions")
    if isinstance(raw, list | tuple):
        names = [str(name).strip() for name in raw if str(name).strip()]
    else:
        names = [n for n in (_text(values, "dimension"), _text(values, "dimension2")) if n]
    names = list(dict.fromkeys(names)) or ["month"]
    if len(names) > 2:
        raise ApplicationError(
            "report_invalid", gettext("Choose at most two dimensions."), "dimension2"
        )
    for position, name in enumerate(names):
        if name not in measure.dimensions:
            raise ApplicationError(
                "report_invalid",
                gettext("%(measure)s cannot be broken down by this dimension.")
                % {"measure": measure.label},
                "dimension" if position == 0 else "dimension2",
            )
    chart = _text(values, "chart") or ("line" if names[0] in TIME_DIMENSIONS else "bar")
    if chart not in CHARTS:
        raise ApplicationError("report_invalid", gettext("Choose a chart from the list."), "chart")
    end = _day(values, "end", today)
    start = _day(values, "start", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ApplicationError("report_invalid", gettext("The start is after the end."), "start")
    if (end - start).days > MAX_DAYS:
        raise ApplicationError(
            "report_invalid", gettext("A report covers at most three years."), "start"
        )
    team = _optional_id(values, "team")
    if team is not None and "team" not in measure.paths:
        raise ApplicationError(
            "report_invalid", gettext("This measure cannot be filtered by team."), "team"
        )
    achievement = _optional_id(values, "achievement")
    if achievement is not None and "achievement" not in measure.paths:
        raise ApplicationError(
            "report_invalid",
            gettext("This measure cannot be filtered by achievement."),
            "achievement",
        )
    return ReportSpec(
        measure=measure.key,
        dimensions=tuple(names),
        chart=chart,
        start=start,
        end=end,
        achievement=achievement,
        team=team,
    )
