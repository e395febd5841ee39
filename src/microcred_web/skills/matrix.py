"""The skills matrix of many people at once: profiles from one evidence query (plain tuples,
no model instances), every person's gap against their current role, and per-skill coverage
and bench strength (how many hold a skill at level ≥ L; skills held by one person only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from microcred.skills import Requirement, RoleGap, fold, role_gap
from microcred.skills.summary import Holding, summarise
from microcred.skills.visibility import Viewer, Visibility, can_see
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import JobRoleSkill, PersonRole, SkillEvidence, SkillVisibility
from microcred_web.skills.selectors import Matrix as TeamMatrix

_FIELDS = (
    "skill_id",
    "kind",
    "level",
    "source",
    "observed_at",
    "id",
    "state",
    "valid_until",
    "external",
    "user_id",
)


def _when(value: Any) -> Any:
    """A timestamp as the driver gave it, made an aware datetime (SQLite's are naive UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _raw(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query without Django's per-value converters (SQLite's
    parse each timestamp with a regular expression: 10 µs a value, seconds for 100,000 rows).
    Only ``valid_until`` is compared with a datetime; ``observed_at`` only breaks ties between
    rows of one source and skill, so its raw form (one type per database) is enough."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(20_000):
            for row in chunk:
                yield (*row[:7], _when(row[7]), bool(row[8]), row[9])


def holdings_bulk(
    *,
    organisation: Organisation,
    user_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> dict[int, dict[int, Holding]]:
    """{user id: {skill id: holding}} — everyone with evidence (or ``user_ids``), one query of
    plain tuples and the core's fast path (same rules as the full profile)."""
    rows = SkillEvidence.objects.filter(organisation=organisation)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    fields: list[Any] = list(_FIELDS)
    if connections[rows.db].vendor == "sqlite":  # timestamps as text: no per-value converter
        fields[4] = Cast("observed_at", CharField())
        fields[7] = Cast("valid_until", CharField())
    by_user: dict[int, list[Any]] = {}
    for row in _raw(rows.values_list(*fields)):
        by_user.setdefault(row[9], []).append(row)
    moment = now or timezone.now()
    return {uid: summarise(user_rows, now=moment) for uid, user_rows in by_user.items()}


def current_roles(
    *, organisation: Organisation
) -> tuple[dict[int, int], dict[int, list[Requirement]]]:
    """({user id: current role id}, {role id: requirements}) in two queries."""
    holders = dict(
        PersonRole.objects.filter(organisation=organisation, current__isnull=False).values_list(
            "user_id", "current_id"
        )
    )
    requirements: dict[int, list[Requirement]] = {}
    for role_id, skill_id, level, weight in JobRoleSkill.objects.filter(
        role__organisation=organisation
    ).values_list("role_id", "skill_id", "level", "weight"):
        requirements.setdefault(role_id, []).append(
            Requirement(str(skill_id), level, float(weight))
        )
    return holders, requirements


@dataclass
class Coverage:
    """One skill across the people shown."""

    skill_id: int
    holders: int = 0  # hold it at any level
    verified: int = 0  # of whom backed by a verified credential
    at_least: dict[int, int] = field(default_factory=dict)  # level L → people at ≥ L
    required_by: int = 0  # people whose current role requires it
    short: int = 0  # of whom below the required level

    def bench(self, level: int) -> int:
        """Bench strength: how many hold the skill at ``level`` or above."""
        return self.at_least.get(level, 0)


def coverage_of(
    profiles: Mapping[int, Mapping[int, Holding]],
    *,
    levels: Iterable[int],
    required: Mapping[int, Mapping[int, int]] | None = None,
) -> dict[int, Coverage]:
    """{skill id: coverage}: holders, verified holders, bench strength at each of ``levels``,
    and how many of those whose role requires the skill fall short."""
    steps = sorted(set(levels))
    out: dict[int, Coverage] = {}
    counts: dict[int, dict[int, int]] = {}  # skill → level → people at exactly that level
    for profile in profiles.values():
        for skill_id, state in profile.items():
            if state.held:
                line = out.get(skill_id) or out.setdefault(skill_id, Coverage(skill_id))
                line.holders += 1
                line.verified += state.verified
                at = counts.setdefault(skill_id, {})
                at[state.level] = at.get(state.level, 0) + 1
    for skill_id, at in counts.items():
        out[skill_id].at_least = {
            step: sum(n for held, n in at.items() if held >= step) for step in steps
        }
    for uid, needs in (required or {}).items():
        profile = profiles.get(uid, {})
        for skill_id, level in needs.items():
            line = out.setdefault(skill_id, Coverage(skill_id))
            line.required_by += 1
            holding = profile.get(skill_id)
            if holding is None or not holding.held or holding.level < level:
                line.short += 1
    return out


def single_holders(coverage: Mapping[int, Coverage]) -> list[int]:
    """Skills exactly one person holds (a risk when they leave), by skill id."""
    return sorted(skill for skill, line in coverage.items() if line.holders == 1)


def shown_pairs(*, organisation: Organisation, reach: Viewer) -> set[tuple[int, int]]:
    """{(user id, skill id)} that people show to a viewer with this relation: one query of
    the organisation's visibility rows (an unset skill is private, so never in the set)."""
    wide = [v.value for v in Visibility if can_see(v, reach)]
    rows = SkillVisibility.objects.filter(organisation=organisation, visibility__in=wide)
    return set(rows.values_list("user_id", "skill_id"))


def masked(
    profiles: dict[int, dict[int, Holding]],
    *,
    organisation: Organisation,
    reach: Viewer,
    viewer_id: int | None = None,
) -> dict[int, dict[int, Holding]]:
    """Only the skills each person shows that far; the viewer's own row stays whole. A hidden
    skill is *not held* (it counts in no gap, coverage or bench strength)."""
    if reach is Viewer.SELF:
        return profiles
    shown = shown_pairs(organisation=organisation, reach=reach)
    return {
        uid: skills
        if uid == viewer_id
        else {sid: h for sid, h in skills.items() if (uid, sid) in shown}
        for uid, skills in profiles.items()
    }


@dataclass(frozen=True)
class OrganisationMatrix:
    profiles: dict[int, dict[int, Holding]]
    gaps: dict[int, RoleGap]  # user id → gap against the current role
    coverage: dict[int, Coverage]


def organisation_matrix(
    *,
    organisation: Organisation,
    reach: Viewer,
    viewer_id: int | None = None,
    user_ids: Iterable[int] | None = None,
    levels: Iterable[int] = (1, 2, 3, 4, 5),
    now: datetime | None = None,
) -> OrganisationMatrix:
    """Everyone's profile (or ``user_ids``'s: a manager's teams), everyone's gap against their
    current role, every skill's coverage — as a viewer with relation ``reach`` may see them
    (administrators and managers: ``Viewer.MANAGER``; the API: ``Viewer.COLLEAGUE``;
    ``Viewer.SELF`` reads everything, for the checks that compare with unmasked reads).
    Five queries whatever the size of the organisation."""
    people = None if user_ids is None else set(user_ids)
    profiles = masked(
        holdings_bulk(organisation=organisation, user_ids=people, now=now),
        organisation=organisation,
        reach=reach,
        viewer_id=viewer_id,
    )
    holders, requirements = current_roles(organisation=organisation)
    gaps: dict[int, RoleGap] = {}
    required: dict[int, dict[int, int]] = {}
    for uid, role_id in holders.items():
        if people is not None and uid not in people:
            continue
        needs = requirements.get(role_id, [])
        profile = profiles.get(uid, {})
        held = {str(k): s.level for k, s in profile.items() if s.held}
        gaps[uid] = role_gap(held, needs)
        required[uid] = {int(r.skill): r.level for r in needs}
    return OrganisationMatrix(
        profiles, gaps, coverage_of(profiles, levels=levels, required=required)
    )


# --------------------------------------------------------------------------- the team page


def team_holdings(matrix: TeamMatrix) -> dict[int, dict[int, Holding]]:
    """The team page's matrix cells as holdings (lapsed cells kept as not held)."""
    out: dict[int, dict[int, Holding]] = {}
    for user, cells in matrix.rows:
        out[user.pk] = {
            skill.pk: Holding(cell.level, not cell.lapsed, cell.verified, False)
            for skill, cell in zip(matrix.skills, cells, strict=True)
            if cell.level or cell.lapsed
        }
    return out


def team_coverage(matrix: TeamMatrix, *, levels: Iterable[int]) -> dict[int, Coverage]:
    required = {
        user.pk: {s.pk: c.required for s, c in zip(matrix.skills, cells, strict=True) if c.required}
        for user, cells in matrix.rows
    }
    coverage = coverage_of(team_holdings(matrix), levels=levels, required=required)
    for skill in matrix.skills:
        coverage.setdefault(skill.pk, Coverage(skill.pk))
    return coverage


def sort_rows(matrix: TeamMatrix, *, key: str, descending: bool) -> TeamMatrix:
    """Rows by person (``"person"``), by number of gaps (``"gaps"``) or by the level held in
    one skill (its id); ties by name. Unknown keys sort by person."""
    columns = {str(skill.pk): i for i, skill in enumerate(matrix.skills)}

    def name(row: tuple[Any, list[Any]]) -> str:
        user = row[0]
        return str(user.display_name or user.email).casefold()

    rows = sorted(matrix.rows, key=name)
    if key == "gaps":
        rows.sort(key=lambda row: sum(c.required > c.level for c in row[1]), reverse=descending)
    elif key in columns:
        column = columns[key]
        rows.sort(key=lambda row: row[1][column].level, reverse=descending)
    elif descending:
        rows.reverse()
    return TeamMatrix(matrix.skills, rows)


def filter_skills(matrix: TeamMatrix, *, query: str) -> TeamMatrix:
    """Only the skill columns whose label contains every word of ``query`` (folded)."""
    words = fold(query).split()
    if not words:
        return matrix
    keep = [i for i, s in enumerate(matrix.skills) if all(w in fold(s.label) for w in words)]
    return TeamMatrix(
        [matrix.skills[i] for i in keep],
        [(user, [cells[i] for i in keep]) for user, cells in matrix.rows],
    )
