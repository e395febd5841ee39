"""Reads for award rules: the builder's tree and choices, previews, and people's goals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from microcred.rules import (
    AtLeast,
    Condition,
    CreditTarget,
    Decision,
    FactIndex,
    Group,
    Leaf,
    Wording,
    evaluate,
    summarise,
)
from microcred.rules.editing import split
from microcred.rules.serial import GROUP_NAMES
from microcred.rules.text import leaf_todo, phrase
from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.assessments.selectors import assessment_choices
from microcred_web.awards.facts import achievement_ref, person_indexes
from microcred_web.awards.localised_rules import achievement_name, localised_rule
from microcred_web.awards.models import Award, AwardRule
from microcred_web.awards.services import personal_rules
from microcred_web.awards.wording import rule_wording
from microcred_web.issuing.holders import credentials_held_by
from microcred_web.issuing.models import Credential
from microcred_web.learning.selectors import learning_choices
from microcred_web.orgs.models import Organisation, Team

GROUP_KINDS = tuple(GROUP_NAMES)


def award_rule_get(*, organisation: Organisation, achievement: Achievement) -> AwardRule | None:
    return AwardRule.objects.filter(organisation=organisation, achievement=achievement).first()


# ----------------------------------------------------------------------------- builder


@dataclass
class NodeView:
    """One row of the builder: a condition or a group, with its path ("0.2") and settings."""

    path: str
    text: str
    is_group: bool
    kind: str = ""
    n: int | None = None
    target: float | None = None
    days: int | None = None
    children: list[NodeView] = field(default_factory=list)
    first: bool = True
    last: bool = True
    is_root: bool = False


def node_views(
    node: Condition,
    path: tuple[int, ...] = (),
    first: bool = True,
    last: bool = True,
    wording: Wording | None = None,
) -> NodeView:
    w = wording or rule_wording()
    inner, limit = split(node)
    key = ".".join(map(str, path))
    if isinstance(inner, Leaf) and limit is None:
        return NodeView(key, _leaf_text(inner, w), False, first=first, last=last, is_root=not path)
    assert isinstance(inner, Group)
    kind = next(name for name, cls in GROUP_NAMES.items() if type(inner) is cls)
    count = len(inner.children)
    return NodeView(
        key,
        phrase(node, w),
        True,
        kind=kind,
        n=inner.n if isinstance(inner, AtLeast) else None,
        target=inner.target if isinstance(inner, CreditTarget) else None,
        days=limit.days if limit else None,
        children=[
            node_views(child, (*path, i), i == 0, i == count - 1, w)
            for i, child in enumerate(inner.children)
        ],
        first=first,
        last=last,
        is_root=not path,
    )


def _leaf_text(leaf: Leaf, w: Wording) -> str:
    return leaf_todo(leaf, w=w)  # "Complete the course ‘X’", "Score at least 80% in ‘Q’"


@dataclass(frozen=True)
class Choice:
    ref: str
    label: str
    credits: float = 0.0


def builder_choices(
    *, organisation: Organisation, achievement: Achievement
) -> dict[str, list[Choice]]:
    """What a condition can be about: courses, quizzes, (assessments,) other credentials."""
    learning = learning_choices(organisation=organisation)
    out = {
        kind: [Choice(c.ref, c.label, float(c.credits)) for c in learning.get(kind, [])]
        for kind in ("courses", "quizzes")
    }
    out["assessments"] = [
        Choice(c.ref, c.label) for c in assessment_choices(organisation=organisation)
    ]
    out["credentials"] = [
        Choice(achievement_ref(a.public_id), a.name)
        for a in Achievement.objects.filter(
            organisation=organisation, status=AchievementStatus.PUBLISHED
        )
        .exclude(pk=achievement.pk)
        .order_by("name")
    ]
    return out


# ----------------------------------------------------------------------------- evaluation


def person_facts(*, organisation: Organisation, user_id: int) -> FactIndex:
    """One member's facts for the rule engine (empty for someone who is not an active member)."""
    return person_indexes(organisation=organisation, user_ids=[user_id]).get(user_id, FactIndex(()))


@dataclass(frozen=True)
class PersonProgress:
    user: User
    decision: Decision


def progress_for(
    *, organisation: Organisation, rule: Condition, user_ids: Iterable[int] | None = None
) -> list[PersonProgress]:
    """Each member (among ``user_ids``) with the rule's decision: qualified first, then by
    progress."""
    indexes = person_indexes(organisation=organisation, user_ids=user_ids)
    users = User.objects.in_bulk(list(indexes))
    w = rule_wording()
    rows = [PersonProgress(users[uid], evaluate(rule, ix, w)) for uid, ix in indexes.items()]
    rows.sort(key=lambda r: (not r.decision.earned, -r.decision.progress, r.user.email))
    return rows


@dataclass(frozen=True)
class Goal:
    achievement: Achievement
    summary: str
    decision: Decision
    award: Award | None
    held: Credential | None = None  # an active credential of it, however it was issued
    name: str = ""  # the achievement's name in the reader's language

    @property
    def credential(self) -> Credential | None:
        """The credential that makes the goal done: the award's, else one the person holds."""
        if self.award is not None and self.award.credential is not None:
            return self.award.credential
        return self.held

    @property
    def progress(self) -> float:
        return 1.0 if self.credential is not None else self.decision.progress


def goals_for(*, organisation: Organisation, user: User) -> list[Goal]:
    """The person's goals: each achievement with an enabled rule — earned, in progress, or not
    started — with the engine's explanation."""
    rules = (
        AwardRule.objects.filter(
            organisation=organisation,
            enabled=True,
            rule_json__isnull=False,
            achievement__status=AchievementStatus.PUBLISHED,
        )
        .select_related("achievement")
        .order_by("achievement__name")
    )
    ix = person_indexes(organisation=organisation, user_ids=[user.pk]).get(user.pk, FactIndex([]))
    awards = {
        a.achievement_id: a
        for a in Award.objects.filter(organisation=organisation, user=user).select_related(
            "credential"
        )
    }
    held = credentials_held_by(organisation=organisation, user=user)
    goals = []
    w = rule_wording()
    # a learner pinned to a pathway version sees (and is issued by) that version's rule
    own = personal_rules(organisation=organisation, user_ids=[user.pk]).get(user.pk, {})
    for award_rule in rules:
        rule = award_rule.rule
        if rule is None:
            continue
        if award_rule.achievement_id in own:
            rule = own[award_rule.achievement_id].rule
        rule = localised_rule(rule)  # the credentials it names, in the learner's language
        goals.append(
            Goal(
                award_rule.achievement,
                summarise(rule, w),
                evaluate(rule, ix, w),
                awards.get(award_rule.achievement_id),
                held.get(award_rule.achievement_id),
                name=achievement_name(award_rule.achievement),
            )
        )
    goals.sort(key=lambda g: (g.credential is None and not g.decision.earned, -g.progress))
    return goals


def team_user_ids(*, teams: Iterable[Team]) -> list[int]:
    return sorted({m.user_id for team in teams for m in team.members.filter(is_active=True)})


def team_progress(*, organisation: Organisation, teams: list[Team]) -> tuple[list[Any], list[Any]]:
    """(achievements with an enabled rule, rows of (user, [Decision per achievement]))."""
    rules = [
        (r.achievement, r.rule)
        for r in AwardRule.objects.filter(
            organisation=organisation, enabled=True, rule_json__isnull=False
        )
        .select_related("achievement")
        .order_by("achievement__name")
    ]
    rules = [(a, rule) for a, rule in rules if rule is not None]
    indexes = person_indexes(organisation=organisation, user_ids=team_user_ids(teams=teams))
    users = User.objects.in_bulk(list(indexes))
    w = rule_wording()
    # a member pinned to a pathway version is judged by that version's rule (as goals_for)
    personal = personal_rules(organisation=organisation, user_ids=list(indexes))
    rows = []
    for uid, ix in indexes.items():
        own = personal.get(uid, {})
        decisions = [
            evaluate(own[a.pk].rule if a.pk in own else rule, ix, w)
            for a, rule in rules
            if rule is not None
        ]
        rows.append((users[uid], decisions))
    rows.sort(key=lambda row: row[0].email)
    return [a for a, _ in rules], rows
