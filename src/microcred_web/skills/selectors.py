"""Reads for skills: search, a person's profile and gaps, a team's matrix. Every query takes
the organisation explicitly; profiles are computed by the core from evidence rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from microcred.skills import (
    DEFAULT_HALF_LIFE_DAYS,
    Evidence,
    EvidenceKind,
    Requirement,
    RoleGap,
    SkillGap,
    SkillState,
    SourceState,
    compute_profile,
    fold,
    held_levels,
    role_gap,
)
from microcred.skills.visibility import Viewer, can_see
from microcred_web.orgs.models import Organisation, Team
from microcred_web.skills.models import (
    Alignment,
    Framework,
    JobRole,
    PersonRole,
    ProficiencyScale,
    Skill,
    SkillEvidence,
    SkillVisibility,
)

SEARCH_LIMIT = 50


def framework_list(*, organisation: Organisation) -> QuerySet[Framework]:
    return Framework.objects.filter(organisation=organisation)


def skill_search(*, organisation: Organisation, query: str = "") -> QuerySet[Skill]:
    """Skills whose label, alternative labels or description contain every word of ``query``
    (accents and case ignored): the exact label first, then those holding the whole phrase."""
    skills = Skill.objects.filter(organisation=organisation).select_related("framework", "group")
    phrase = fold(query)
    if not phrase:
        return skills.order_by("label", "pk")
    for word in phrase.split():
        skills = skills.filter(search_text__contains=word)
    rank = Case(
        When(Q(search_text=phrase) | Q(search_text__startswith=f"{phrase} |"), then=Value(0)),
        When(search_text__contains=phrase, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return skills.annotate(rank=rank).order_by("rank", "label", "pk")


def skill_get(*, organisation: Organisation, skill_id: Any) -> Skill | None:
    if not str(skill_id).isdigit():
        return None
    return Skill.objects.filter(organisation=organisation, pk=skill_id).first()


def skill_public(*, public_id: Any) -> Skill | None:
    return (
        Skill.objects.select_related("framework", "organisation")
        .filter(public_id=public_id)
        .first()
    )


def alignments_of(*, organisation: Organisation, achievement_id: int) -> list[Alignment]:
    return list(
        Alignment.objects.filter(organisation=organisation, achievement_id=achievement_id)
        .select_related("skill__framework")
        .order_by("skill__label")
    )


def default_scale(*, organisation: Organisation) -> ProficiencyScale | None:
    return ProficiencyScale.objects.filter(organisation=organisation, is_default=True).first()


def job_role_list(*, organisation: Organisation) -> QuerySet[JobRole]:
    return JobRole.objects.filter(organisation=organisation).prefetch_related("requirements__skill")


def job_role_get(*, organisation: Organisation, role_id: Any) -> JobRole | None:
    if not str(role_id).isdigit():
        return None
    return job_role_list(organisation=organisation).filter(pk=role_id).first()


def person_role_of(*, organisation: Organisation, user: Any) -> PersonRole | None:
    return (
        PersonRole.objects.filter(organisation=organisation, user_id=user.pk)
        .select_related("current")
        .prefetch_related("targets")
        .first()
    )


def person_roles_by_user(*, organisation: Organisation) -> dict[int, PersonRole]:
    return {
        p.user_id: p
        for p in PersonRole.objects.filter(organisation=organisation)
        .select_related("current")
        .prefetch_related("targets")
    }


# --------------------------------------------------------------------------- profiles


def _as_evidence(row: SkillEvidence) -> Evidence:
    return Evidence(
        skill=str(row.skill_id),
        kind=EvidenceKind(row.kind),
        level=row.level,
        source=row.source,
        observed_at=row.observed_at,
        sequence=row.pk,
        state=SourceState(row.state),
        valid_until=row.valid_until,
        external=row.external,
        note=row.note,
    )


def _half_lives(organisation: Organisation) -> dict[str, float]:
    rows = Skill.objects.filter(organisation=organisation, group__isnull=False).values_list(
        "pk", "group__half_life_days"
    )
    return {str(pk): float(days) for pk, days in rows}


def visible_only(
    profiles: dict[int, dict[int, SkillState]], *, organisation: Organisation, reach: Viewer
) -> dict[int, dict[int, SkillState]]:
    """Each person's skills that a viewer with this relation (``reach``) may see: each
    person's own per-skill visibility, private when unset (issue 17 item 3)."""
    if reach is Viewer.SELF:
        return profiles
    rows = SkillVisibility.objects.filter(organisation=organisation, user_id__in=list(profiles))
    shown = {(u, s): v for u, s, v in rows.values_list("user_id", "skill_id", "visibility")}
    return {
        uid: {sid: st for sid, st in skills.items() if can_see(shown.get((uid, sid)), reach)}
        for uid, skills in profiles.items()
    }


def profiles_of(
    *,
    organisation: Organisation,
    user_ids: Iterable[int],
    now: datetime | None = None,
    reach: Viewer | None = None,
) -> dict[int, dict[int, SkillState]]:
    """{user id: {skill id: state}} for many people in one query (with ``reach``: only the
    skills each person shows to a viewer with that relation)."""
    ids = list(user_ids)
    rows: dict[int, list[Evidence]] = {uid: [] for uid in ids}
    for row in SkillEvidence.objects.filter(organisation=organisation, user_id__in=ids).order_by(
        "id"
    ):
        rows[row.user_id].append(_as_evidence(row))
    half_lives = _half_lives(organisation)
    moment = now or timezone.now()
    profiles = {
        uid: {
            int(skill): state
            for skill, state in compute_profile(
                evidence,
                now=moment,
                half_life_days=lambda s: half_lives.get(s, DEFAULT_HALF_LIFE_DAYS),
            ).items()
        }
        for uid, evidence in rows.items()
    }
    if reach is None:
        return profiles
    return visible_only(profiles, organisation=organisation, reach=reach)


def level_descriptor(scale: ProficiencyScale | None, skill: Skill, level: int) -> str:
    """The skill's own descriptor of ``level`` when an administrator wrote one, else the
    scale's."""
    own = (skill.descriptors or {}).get(str(level), "")
    if own or scale is None:
        return str(own)
    for row in scale.levels:
        if int(row["value"]) == level:
            return str(row.get("descriptor", ""))
    return ""


@dataclass(frozen=True)
class ProfileLine:
    skill: Skill
    state: SkillState
    level_label: str
    descriptor: str = ""


def profile_lines(
    *,
    organisation: Organisation,
    user: Any,
    now: datetime | None = None,
    reach: Viewer | None = None,
) -> list[ProfileLine]:
    profiles = profiles_of(organisation=organisation, user_ids=[user.pk], now=now, reach=reach)
    profile = profiles[user.pk]
    skills = Skill.objects.select_related("framework", "group").in_bulk(list(profile))
    scale = default_scale(organisation=organisation)
    lines = [
        ProfileLine(
            skill=skills[skill_id],
            state=state,
            level_label=scale.label_of(state.level) if scale else str(state.level),
            descriptor=level_descriptor(scale, skills[skill_id], state.level),
        )
        for skill_id, state in profile.items()
        if skill_id in skills
    ]
    lines.sort(key=lambda line: (not line.state.held, line.skill.label.casefold()))
    return lines


# --------------------------------------------------------------------------- gaps


def requirements_of(role: JobRole) -> list[Requirement]:
    return [Requirement(str(r.skill_id), r.level, float(r.weight)) for r in role.requirements.all()]


@dataclass(frozen=True)
class RoleGapView:
    role: JobRole
    gap: RoleGap
    skills: dict[int, Skill]
    is_current: bool
    scale: ProficiencyScale | None = None

    @property
    def lines(self) -> list[tuple[Skill, SkillGap]]:
        return [
            (self.skills[int(i.skill)], i) for i in self.gap.items if int(i.skill) in self.skills
        ]

    @property
    def described_lines(self) -> list[tuple[Skill, SkillGap, str]]:
        """Each line with what its required level means for that skill."""
        return [
            (skill, item, level_descriptor(self.scale, skill, item.required))
            for skill, item in self.lines
        ]


def gaps_of(
    *,
    organisation: Organisation,
    user: Any,
    now: datetime | None = None,
    reach: Viewer | None = None,
) -> list[RoleGapView]:
    """The person's gap against their current role and each target role (with ``reach``:
    counting only the skills shown to a viewer with that relation)."""
    person = person_role_of(organisation=organisation, user=user)
    if person is None:
        return []
    roles = [(person.current, True)] if person.current else []
    roles += [(role, False) for role in person.targets.all()]
    profile = profiles_of(organisation=organisation, user_ids=[user.pk], now=now, reach=reach)
    held = held_levels({str(k): v for k, v in profile[user.pk].items()})
    views = []
    scale = default_scale(organisation=organisation)
    for role, is_current in roles:
        role = job_role_get(organisation=organisation, role_id=role.pk) or role
        gap = role_gap(held, requirements_of(role))
        skills = Skill.objects.in_bulk([int(item.skill) for item in gap.items])
        views.append(RoleGapView(role, gap, skills, is_current, scale))
    return views


# --------------------------------------------------------------------------- team matrix


@dataclass(frozen=True)
class MatrixCell:
    level: int  # 0: not held
    verified: bool
    lapsed: bool
    required: int  # 0: the person's current role does not require it


@dataclass(frozen=True)
class Matrix:
    skills: list[Skill]
    rows: list[tuple[Any, list[MatrixCell]]]  # (user, one cell per skill)


def team_user_ids(*, teams: Iterable[Team]) -> list[int]:
    return sorted(
        {membership.user_id for team in teams for membership in team.members.filter(is_active=True)}
    )


def team_matrix(
    *,
    organisation: Organisation,
    teams: Iterable[Team],
    role_id: int | None = None,
    group_id: int | None = None,
    now: datetime | None = None,
) -> Matrix:
    """People of ``teams`` × the skills any of them holds or their roles require; only the
    holders of the current role ``role_id`` and the skills of group ``group_id`` when given."""
    from microcred_web.accounts.models import User

    user_ids = team_user_ids(teams=teams)
    if role_id is not None:
        holders = PersonRole.objects.filter(organisation=organisation, current_id=role_id)
        user_ids = sorted(set(user_ids) & set(holders.values_list("user_id", flat=True)))
    profiles = profiles_of(organisation=organisation, user_ids=user_ids, now=now)
    persons = {
        p.user_id: p
        for p in PersonRole.objects.filter(organisation=organisation, user_id__in=user_ids)
        .select_related("current")
        .prefetch_related("current__requirements")
    }
    required: dict[int, dict[int, int]] = {
        uid: {r.skill_id: r.level for r in p.current.requirements.all()} if p.current else {}
        for uid, p in persons.items()
    }
    skill_ids = {s for profile in profiles.values() for s in profile}
    skill_ids |= {s for levels in required.values() for s in levels}
    columns = Skill.objects.filter(organisation=organisation, pk__in=skill_ids)
    if group_id is not None:
        columns = columns.filter(group_id=group_id)
    skills = sorted(columns, key=lambda s: s.label.casefold())
    users = User.objects.in_bulk(user_ids)
    rows = []
    for uid in user_ids:
        profile = profiles.get(uid, {})
        cells = []
        for skill in skills:
            state = profile.get(skill.pk)
            cells.append(
                MatrixCell(
                    level=state.level if state and state.held else 0,
                    verified=bool(state and state.verified),
                    lapsed=bool(state and not state.held),
                    required=required.get(uid, {}).get(skill.pk, 0),
                )
            )
        rows.append((users[uid], cells))
    rows.sort(key=lambda row: (row[0].display_name or row[0].email).casefold())
    return Matrix(skills, rows)


def skills_with_filters(
    *, organisation: Organisation, framework_id: Any = None, query: str = ""
) -> QuerySet[Skill]:
    skills = skill_search(organisation=organisation, query=query)
    if framework_id and str(framework_id).isdigit():
        skills = skills.filter(Q(framework_id=framework_id))
    return skills


def skills_aligned_to(
    *, organisation: Organisation, achievement_public_ids: Iterable[Any]
) -> list[Skill]:
    """The distinct skills the organisation's achievements (by public id) are aligned to, by
    label (a pathway's "skills built")."""
    return list(
        Skill.objects.filter(
            organisation=organisation,
            alignments__organisation=organisation,
            alignments__achievement__organisation=organisation,
            alignments__achievement__public_id__in=list(achievement_public_ids),
        )
        .distinct()
        .order_by("label", "pk")[:200]
    )
