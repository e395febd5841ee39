"""Reads for recommendations, training needs and career paths (ADR 0027).

What a person can do is read once per organisation as core :class:`Offer` s: published
credentials (achievements) with skill alignments, the published courses aligned to skills
themselves or whose completion (or quiz) an award rule of such an achievement names, and the
active assessment requirements of those achievements. Each offer gives the alignments of the
achievements it leads to (and a course its own). The ranking itself is the core's
(:mod:`microcred.skills.recommend`), lowered by the person's dismissals and their reasons.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.rules import CourseCompleted, QuizPassed, leaves
from microcred.skills import held_levels
from microcred.skills.recommend import (
    CareerPath,
    Dismissal,
    Need,
    Offer,
    Reason,
    Recommendation,
    RoleNeed,
    career_path,
    recommend,
    training_needs,
)
from microcred.skills.visibility import Viewer
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.assessments.models import Assessment, AssessmentStatus, Requirement
from microcred_web.awards.models import AwardRule
from microcred_web.learning.models import Course, Enrolment, Quiz
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import (
    Alignment,
    CourseAlignment,
    JobRole,
    RecommendationDismissal,
    RoleLink,
    Skill,
)
from microcred_web.skills.selectors import (
    default_scale,
    job_role_list,
    person_role_of,
    person_roles_by_user,
    profiles_of,
    requirements_of,
    visible_only,
)

DISMISS_REASONS = {
    "have_it": gettext_lazy("I already know it"),
    "not_relevant": gettext_lazy("Not relevant to my work"),
    "no_time": gettext_lazy("Too long for me now"),
    "other": gettext_lazy("Another reason"),
}


@dataclass(frozen=True)
class Catalogue:
    """The organisation's offers and the objects behind them (by offer key)."""

    offers: list[Offer]
    objects: dict[str, Any]


def _gives(rows: list[Alignment]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[str(row.skill_id)] = max(out.get(str(row.skill_id), 0), row.level)
    return out


def _merge(into: dict[str, int], more: dict[str, int]) -> None:
    for skill, level in more.items():
        into[skill] = max(into.get(skill, 0), level)


#: organisation id → (stamp, built at, catalogue): the offers are the same for every member
_CATALOGUES: dict[int, tuple[tuple[Any, ...], float, Catalogue]] = {}
_CATALOGUES_LOCK = threading.Lock()


def _count_and_last(rows: QuerySet[Any], field: str = "updated_at") -> tuple[Any, ...]:
    found = rows.aggregate(n=Count("pk"), last=Max(field))
    return found["n"], found["last"]


def _count_and_levels(rows: QuerySet[Any]) -> tuple[Any, ...]:
    """Alignments have no timestamp: their number, last id and levels say when they change."""
    found = rows.aggregate(n=Count("pk"), last=Max("pk"), levels=Sum("level"))
    return found["n"], found["last"], found["levels"]


def _catalogue_stamp(organisation: Organisation) -> tuple[Any, ...]:
    """What changes when the offers change: rows added, removed or saved (cheap aggregates)."""
    org = organisation
    return (
        _count_and_levels(Alignment.objects.filter(organisation=org)),
        _count_and_last(Achievement.objects.filter(organisation=org)),
        _count_and_last(Course.objects.filter(organisation=org)),
        _count_and_last(AwardRule.objects.filter(organisation=org)),
        _count_and_levels(CourseAlignment.objects.filter(organisation=org)),
        _count_and_last(Requirement.objects.filter(organisation=org, is_active=True), "pk"),
        _count_and_last(Quiz.objects.filter(course__organisation=org), "pk"),
    )


def catalogue(*, organisation: Organisation) -> Catalogue:
    """The organisation's offers, built once and reused while nothing they read has changed
    (and for at most ``MICROCRED_RECOMMEND_CACHE_SECONDS``, which bounds what a bulk
    ``update()`` that saves no timestamp could leave stale)."""
    ttl = float(getattr(settings, "MICROCRED_RECOMMEND_CACHE_SECONDS", 60))
    stamp = _catalogue_stamp(organisation)
    now = time.monotonic()
    with _CATALOGUES_LOCK:
        hit = _CATALOGUES.get(organisation.pk)
    if hit is not None and hit[0] == stamp and now - hit[1] < ttl:
        return hit[2]
    built = catalogue_build(organisation=organisation)
    with _CATALOGUES_LOCK:
        _CATALOGUES[organisation.pk] = (stamp, now, built)
    return built


def catalogues_forget() -> None:
    """Drop every cached catalogue (tests, whose databases reuse organisation ids)."""
    with _CATALOGUES_LOCK:
        _CATALOGUES.clear()


def catalogue_build(*, organisation: Organisation) -> Catalogue:
    aligned: dict[int, list[Alignment]] = defaultdict(list)
    for row in Alignment.objects.filter(organisation=organisation):
        aligned[row.achievement_id].append(row)
    achievements = {
        a.pk: a
        for a in Achievement.objects.filter(
            organisation=organisation, status=AchievementStatus.PUBLISHED, pk__in=list(aligned)
        )
    }
    offers: dict[str, Offer] = {}
    objects: dict[str, Any] = {}
    for pk, achievement in achievements.items():
        key = f"credential:{pk}"
        hours = float(achievement.workload_hours) if achievement.workload_hours else None
        offers[key] = Offer(key, "credential", achievement.name, _gives(aligned[pk]), None, hours)
        objects[key] = achievement
    courses = {
        f"course:{c.public_id}": c
        for c in Course.objects.filter(organisation=organisation, current_version__isnull=False)
        if c.is_published
    }
    quiz_courses = {
        f"quiz:{q.public_id}": f"course:{q.course.public_id}"
        for q in Quiz.objects.filter(course__organisation=organisation).select_related("course")
    }
    course_gives: dict[str, dict[str, int]] = defaultdict(dict)
    for rule in AwardRule.objects.filter(
        organisation=organisation, achievement_id__in=achievements
    ):
        condition = rule.rule
        if condition is None:
            continue
        for leaf in leaves(condition):
            ref = leaf.ref if isinstance(leaf, CourseCompleted) else ""
            if isinstance(leaf, QuizPassed):
                ref = quiz_courses.get(leaf.ref, "")
            if ref in courses:
                _merge(course_gives[ref], _gives(aligned[rule.achievement_id]))
    own = CourseAlignment.objects.filter(organisation=organisation).select_related("course")
    for course_row in own:
        ref = f"course:{course_row.course.public_id}"
        if ref in courses:  # the course's own skills (issue 17 item 2)
            _merge(course_gives[ref], {str(course_row.skill_id): course_row.level})
    for ref, gives in course_gives.items():
        course = courses[ref]
        key = f"course:{course.pk}"
        offers[key] = Offer(key, "course", course.title, gives, None, course.duration_minutes / 60)
        objects[key] = course
    for requirement in Requirement.objects.filter(
        organisation=organisation, is_active=True, achievement_id__in=achievements
    ):
        key = f"assessment:{requirement.pk}"
        title = f"{achievements[requirement.achievement_id].name}: {requirement.title}"
        offers[key] = Offer(key, "assessment", title, _gives(aligned[requirement.achievement_id]))
        objects[key] = requirement
    return Catalogue(list(offers.values()), objects)


def _personal(cat: Catalogue, *, organisation: Organisation, user_id: int) -> list[Offer]:
    """The catalogue for one person: due dates of their assignments; courses they finished and
    assessments already accepted left out."""
    enrolments = {
        f"course:{e.course_id}": e
        for e in Enrolment.objects.filter(organisation=organisation, user_id=user_id)
    }
    assessments = {
        f"assessment:{a.requirement_id}": a
        for a in Assessment.objects.filter(organisation=organisation, learner_id=user_id)
    }
    out = []
    for offer in cat.offers:
        due = None
        if (enrolment := enrolments.get(offer.key)) is not None:
            if enrolment.completed_at is not None:
                continue
            due = enrolment.due_date
        if (assessment := assessments.get(offer.key)) is not None:
            if assessment.status == AssessmentStatus.ACCEPTED:
                continue
            due = assessment.due_at.date() if assessment.due_at else None
        out.append(Offer(offer.key, offer.kind, offer.title, offer.gives, due, offer.effort_hours))
    return out


def dismissed_items(
    *, organisation: Organisation, user_id: int
) -> dict[str, RecommendationDismissal]:
    """The items a person has set aside now (the latest row per item, unless restored)."""
    latest: dict[str, RecommendationDismissal] = {}
    for row in RecommendationDismissal.objects.filter(organisation=organisation, user_id=user_id):
        latest[row.item] = row
    return {item: row for item, row in latest.items() if not row.restored}


def needs_of(*, organisation: Organisation, user: Any, held: dict[str, int]) -> list[RoleNeed]:
    from microcred.skills import role_gap

    person = person_role_of(organisation=organisation, user=user)
    if person is None:
        return []
    roles = [(person.current, True)] if person.current else []
    roles += [(role, False) for role in person.targets.all()]
    return [
        RoleNeed(role.name, role_gap(held, requirements_of(role)), is_current)
        for role, is_current in roles
    ]


def held_of(
    *,
    organisation: Organisation,
    user_id: int,
    now: datetime | None = None,
    reach: Viewer | None = None,
) -> dict[str, int]:
    """The person's held levels (with ``reach``: only the skills shown that far)."""
    profiles = profiles_of(organisation=organisation, user_ids=[user_id], now=now, reach=reach)
    return held_levels({str(k): v for k, v in profiles[user_id].items()})


@dataclass(frozen=True)
class RecommendationView:
    rec: Recommendation
    obj: Any
    reasons: list[str]

    @property
    def key(self) -> str:
        return self.rec.offer.key


def reason_text(reason: Reason, skills: dict[int, Skill]) -> str:
    skill = skills.get(int(reason.skill))
    label = skill.label if skill else reason.skill
    if reason.held:
        return _("%(role)s needs %(skill)s at level %(required)d; you hold level %(held)d.") % {
            "role": reason.role,
            "skill": label,
            "required": reason.required,
            "held": reason.held,
        }
    return _("%(role)s needs %(skill)s at level %(required)d; you do not hold it yet.") % {
        "role": reason.role,
        "skill": label,
        "required": reason.required,
    }


def _views(recs: list[Recommendation], cat: Catalogue) -> list[RecommendationView]:
    skill_ids = {int(r.skill) for rec in recs for r in rec.reasons}
    skills = Skill.objects.in_bulk(list(skill_ids))
    return [
        RecommendationView(
            rec, cat.objects.get(rec.offer.key), [reason_text(r, skills) for r in rec.reasons]
        )
        for rec in recs
    ]


def recommendations_for(
    *,
    organisation: Organisation,
    user: Any,
    limit: int | None = None,
    kinds: tuple[str, ...] = (),
    cat: Catalogue | None = None,
    reach: Viewer | None = None,
) -> list[RecommendationView]:
    """The person's recommendations, best first (dismissed ones left out). With ``reach``
    (a manager's page, the API) only the skills shown that far count as held."""
    cat = cat or catalogue(organisation=organisation)
    held = held_of(organisation=organisation, user_id=user.pk, reach=reach)
    needs = needs_of(organisation=organisation, user=user, held=held)
    offers = _personal(cat, organisation=organisation, user_id=user.pk)
    if kinds:
        offers = [o for o in offers if o.kind in kinds]
    hidden = dismissed_items(organisation=organisation, user_id=user.pk)
    return _views(recommend(needs, offers, dismissals=feedback_of(hidden, cat), limit=limit), cat)


def feedback_of(hidden: dict[str, RecommendationDismissal], cat: Catalogue) -> list[Dismissal]:
    """The dismissals as the ranking reads them: what each dismissed offer gives and its
    effort (an offer no longer in the catalogue only stays hidden)."""
    offers = {offer.key: offer for offer in cat.offers}
    out = []
    for key, row in hidden.items():
        offer = offers.get(key)
        gives = offer.gives if offer is not None else {}
        out.append(Dismissal(key, row.reason, gives, offer.effort_hours if offer else None))
    return out


# --------------------------------------------------------------------------- many people


@dataclass(frozen=True)
class NeedView:
    need: Need
    obj: Any
    skills: list[Skill]


def team_needs(
    *,
    organisation: Organisation,
    user_ids: list[int],
    now: datetime | None = None,
    viewer_id: int | None = None,
) -> list[NeedView]:
    """What would close the most gap weight for the most of ``user_ids`` (training needs).
    With ``viewer_id`` (a manager's page) only the skills others show to managers count."""
    from microcred.skills import role_gap

    cat = catalogue(organisation=organisation)
    profiles = profiles_of(organisation=organisation, user_ids=user_ids, now=now)
    if viewer_id is not None:
        others = {uid: p for uid, p in profiles.items() if uid != viewer_id}
        profiles.update(visible_only(others, organisation=organisation, reach=Viewer.MANAGER))
    persons = person_roles_by_user(organisation=organisation)
    roles = {r.pk: r for r in job_role_list(organisation=organisation)}
    people: dict[str, list[RoleNeed]] = {}
    for uid in user_ids:
        person = persons.get(uid)
        if person is None:
            continue
        held = held_levels({str(k): v for k, v in profiles.get(uid, {}).items()})
        chosen = [person.current] if person.current else []
        chosen += list(person.targets.all())
        people[str(uid)] = [
            RoleNeed(r.name, role_gap(held, requirements_of(roles.get(r.pk, r)))) for r in chosen
        ]
    found = training_needs(people, cat.offers)
    skills = Skill.objects.in_bulk([int(s) for n in found for s in n.skills])
    return [
        NeedView(
            n, cat.objects.get(n.offer.key), [skills[int(s)] for s in n.skills if int(s) in skills]
        )
        for n in found
    ]


# --------------------------------------------------------------------------- career paths


@dataclass(frozen=True)
class PathView:
    role: JobRole
    path: CareerPath
    skills: dict[int, Skill]
    steps: list[tuple[Any, Any, list[str]]]  # (step, object, reasons in words)
    next_roles: list[JobRole]

    @property
    def delta(self) -> list[tuple[Skill, Any]]:
        return [
            (self.skills[int(i.skill)], i)
            for i in self.path.gap.missing
            if int(i.skill) in self.skills
        ]

    @property
    def uncovered(self) -> list[Skill]:
        return [self.skills[int(s)] for s in self.path.uncovered if int(s) in self.skills]


def path_to(*, organisation: Organisation, user: Any, role: JobRole) -> PathView:
    held = held_of(organisation=organisation, user_id=user.pk)
    cat = catalogue(organisation=organisation)
    offers = _personal(cat, organisation=organisation, user_id=user.pk)
    path = career_path(role.name, held, requirements_of(role), offers)
    skills = Skill.objects.in_bulk([int(i.skill) for i in path.gap.items])
    steps = [
        (step, cat.objects.get(step.offer.key), [reason_text(r, skills) for r in step.reasons])
        for step in path.steps
    ]
    next_roles = [link.target for link in role.next_links.select_related("target")]
    return PathView(role, path, skills, steps, next_roles)


def role_links(*, organisation: Organisation) -> list[RoleLink]:
    return list(
        RoleLink.objects.filter(organisation=organisation).select_related("source", "target")
    )


def explore_roles(*, organisation: Organisation, user: Any) -> list[tuple[JobRole, bool]]:
    """Every role, with whether it is one step on from the person's current role."""
    person = person_role_of(organisation=organisation, user=user)
    next_ids: set[int] = set()
    if person is not None and person.current is not None:
        next_ids = set(person.current.next_links.values_list("target_id", flat=True))
    roles = list(job_role_list(organisation=organisation))
    roles.sort(key=lambda r: (r.pk not in next_ids, r.name.casefold()))
    return [(r, r.pk in next_ids) for r in roles]


def level_label(organisation: Organisation, value: int) -> str:
    scale = default_scale(organisation=organisation)
    return scale.label_of(value) if scale else str(value)


def closest_in(
    *, organisation: Organisation, user_ids: list[int], role: JobRole, viewer: Any = None
) -> list[tuple[Any, Any]]:
    """The people of ``user_ids`` by their match to ``role``, closest first (with ``viewer``:
    only the skills each person shows to their managers count)."""
    from microcred.skills.recommend import closest
    from microcred_web.accounts.models import User
    from microcred_web.skills.endorsements import profiles_masked

    profiles = profiles_of(organisation=organisation, user_ids=user_ids)
    if viewer is not None:
        profiles = profiles_masked(profiles, organisation=organisation, viewer=viewer)
    held = {
        str(uid): held_levels({str(k): v for k, v in profiles.get(uid, {}).items()})
        for uid in user_ids
    }
    users = User.objects.in_bulk(user_ids)
    return [(users[int(uid)], gap) for uid, gap in closest(held, requirements_of(role))]
