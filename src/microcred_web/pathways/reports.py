"""Reads for admins, issuers and managers: a pathway's funnel per version (enrolled → each
step → completed, median time per step, where learners are stuck), the enrolments with their
due dates, the CSV export, and the preview of migrating learners to the published version."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.pathways import Change, Funnel, PathwayProgress, funnel, pathway_progress
from microcred.pathways import progress_change as core_progress_change
from microcred.rules import summarise
from microcred_web.awards.facts import person_indexes
from microcred_web.awards.wording import rule_wording
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Role, Team
from microcred_web.pathways.models import Enrolment, Pathway, PathwayVersion, VersionStatus
from microcred_web.pathways.pinned import rules_of

CHART_WIDTH = 400  # px of a full bar in the funnel chart


def scope_user_ids(ctx: OrgContext) -> list[int] | None:
    """Whose enrolments ``ctx`` may see: everyone (None) for admins and issuers, else the
    members of the teams the manager manages."""
    if ctx.has(Role.ADMIN, Role.ISSUER):
        return None
    teams = Team.objects.filter(organisation=ctx.organisation, managers=ctx.membership)
    return sorted(
        set(teams.filter(members__is_active=True).values_list("members__user_id", flat=True))
    )


def assignable_teams(ctx: OrgContext) -> list[Team]:
    queryset = Team.objects.filter(organisation=ctx.organisation)
    if not ctx.has(Role.ADMIN):
        queryset = queryset.filter(managers=ctx.membership)
    return list(queryset.order_by("name"))


@dataclass(frozen=True)
class Row:
    enrolment: Enrolment
    progress: PathwayProgress

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.progress.steps if s.state == "done")

    @property
    def overdue(self) -> bool:
        due = self.enrolment.due_date
        return due is not None and not self.progress.completed and due < timezone.localdate()


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    share: float  # of the enrolled
    width: int  # px in the chart
    median: timedelta | None
    stuck: int | None  # None for "enrolled" and "completed"
    y: int  # px from the top of the chart

    @property
    def median_days(self) -> str:
        return _days(self.median)


@dataclass(frozen=True)
class VersionReport:
    version: PathwayVersion
    funnel: Funnel
    rows: list[Row]

    @property
    def bars(self) -> list[Bar]:
        f = self.funnel
        stages: list[tuple[str, int, timedelta | None, int | None]] = [
            (_("Enrolled"), f.enrolled, None, None)
        ]
        stages += [(s.step.title, s.done, s.median_time, s.stuck) for s in f.steps]
        stages.append((_("Completed"), f.completed, f.median_completion, None))
        return [
            Bar(
                label,
                count,
                f.share(count),
                round(CHART_WIDTH * f.share(count)),
                median,
                stuck,
                i * 28,
            )
            for i, (label, count, median, stuck) in enumerate(stages)
        ]

    @property
    def chart_height(self) -> int:
        return 28 * (len(self.funnel.steps) + 2)


def _rows(pathway: Pathway, user_ids: list[int] | None) -> list[Row]:
    enrolments = Enrolment.objects.filter(
        pathway=pathway, organisation=pathway.organisation
    ).select_related("version", "user", "team")
    if user_ids is not None:
        enrolments = enrolments.filter(user_id__in=user_ids)
    listed = list(enrolments.order_by("user__email"))
    indexes = person_indexes(
        organisation=pathway.organisation, user_ids=[e.user_id for e in listed]
    )
    w = rule_wording()
    definitions = {}
    rows = []
    for enrolment in listed:
        ix = indexes.get(enrolment.user_id)
        if ix is None:  # no longer an active member
            continue
        version = enrolment.version
        if version.pk not in definitions:
            definitions[version.pk] = version.definition
        rows.append(Row(enrolment, pathway_progress(definitions[version.pk], ix, w)))
    return rows


def pathway_report(*, pathway: Pathway, user_ids: list[int] | None) -> list[VersionReport]:
    """One funnel per version that has enrolments, newest first."""
    by_version: dict[int, list[Row]] = {}
    versions: dict[int, PathwayVersion] = {}
    for row in _rows(pathway, user_ids):
        by_version.setdefault(row.enrolment.version_id, []).append(row)
        versions[row.enrolment.version_id] = row.enrolment.version
    return [
        VersionReport(
            versions[pk],
            funnel([(r.enrolment.enrolled_at, r.progress) for r in by_version[pk]]),
            by_version[pk],
        )
        for pk in sorted(by_version, key=lambda pk: -versions[pk].number)
    ]


@dataclass(frozen=True)
class VersionRules:
    """A published version, the learners judged by it, and the rules it issues by."""

    version: PathwayVersion
    learners: int
    current: bool  # new enrolments get it; members not enrolled are judged by its rules
    rules: list[tuple[str, str]]  # (achievement issued, the rule's words), milestones first


def version_rules(*, pathway: Pathway, user_ids: list[int] | None) -> list[VersionRules]:
    """Each published version, newest first: how many learners (of ``user_ids``, None: all)
    are pinned to it and the compiled rule of each milestone and the goal — the rule those
    learners are judged by (``pinned.pinned_rules``)."""
    versions = list(pathway.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number"))
    enrolments = Enrolment.objects.filter(pathway=pathway, organisation=pathway.organisation)
    if user_ids is not None:
        enrolments = enrolments.filter(user_id__in=user_ids)
    counts = dict(
        enrolments.values("version_id").annotate(n=Count("pk")).values_list("version_id", "n")
    )
    w = rule_wording()
    out = []
    for version in versions:
        definition = version.definition
        labels = {m.achievement.ref: m.achievement.label for m in definition.milestones}
        labels[definition.goal.ref] = definition.goal.label
        rules = rules_of(version.definition_json)
        out.append(
            VersionRules(
                version,
                counts.get(version.pk, 0),
                version.pk == pathway.published_version_id,
                [(labels[ref], summarise(rules[ref], w)) for ref in labels if ref in rules],
            )
        )
    return out


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR is neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _days(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 86400:.1f}"


def report_csv(reports: list[VersionReport]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["version", "stage", "learners", "share", "median_days", "stuck_here"])
    for report in reports:
        for bar in report.bars:
            writer.writerow(
                [
                    report.version.number,
                    csv_cell(bar.label),
                    bar.count,
                    f"{bar.share:.3f}",
                    _days(bar.median),
                    "" if bar.stuck is None else bar.stuck,
                ]
            )
    return out.getvalue()


# ----------------------------------------------------------------------------- migration


@dataclass(frozen=True)
class Move:
    enrolment: Enrolment
    change: Change

    @property
    def before_done(self) -> tuple[int, int]:
        return Change.steps_done(self.change.before)

    @property
    def after_done(self) -> tuple[int, int]:
        return Change.steps_done(self.change.after)


@dataclass(frozen=True)
class MigrationPreview:
    target: PathwayVersion | None
    moves: list[Move]
    fingerprint: str  # names exactly these moves; the migration refuses a stale preview

    def count(self, verdict: str) -> int:
        return sum(1 for m in self.moves if m.change.verdict == verdict)

    @property
    def count_gains(self) -> int:
        return self.count("gains")

    @property
    def count_loses(self) -> int:
        return self.count("loses")


def migration_preview(*, pathway: Pathway) -> MigrationPreview:
    """Every learner on an older version, with what moving to the published version does to
    their progress (the core's ``progress_change`` on their current facts)."""
    target = pathway.published_version
    if target is None:
        return MigrationPreview(None, [], "")
    enrolments = list(
        Enrolment.objects.filter(pathway=pathway, organisation=pathway.organisation)
        .exclude(version=target)
        .select_related("version", "user")
        .order_by("user__email", "pk")
    )
    indexes = person_indexes(
        organisation=pathway.organisation, user_ids=[e.user_id for e in enrolments]
    )
    new = target.definition
    moves = [
        Move(e, core_progress_change(e.version.definition, new, indexes[e.user_id]))
        for e in enrolments
        if e.user_id in indexes
    ]
    return MigrationPreview(target, moves, fingerprint(target, [m.enrolment for m in moves]))


def fingerprint(target: PathwayVersion, enrolments: list[Enrolment]) -> str:
    text = f"{target.pk}:" + ",".join(
        f"{e.pk}@{e.version_id}" for e in sorted(enrolments, key=lambda e: e.pk)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def due_label(due: date | None) -> str:
    return due.isoformat() if due else ""
