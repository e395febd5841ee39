"""Writes for award rules: edit a rule, turn it on or off, and issue what people earned.

``awards_evaluate`` is idempotent: an award is recorded once per (achievement, person), and
the credential is issued with ``source_key = "award:<achievement>:<user>"``, which the issuing
service refuses to use twice in an organisation, even when two workers race.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred.errors import InvalidInput
from microcred.rules import (
    CREDENTIAL_HELD,
    CompiledRule,
    Condition,
    CredentialHeld,
    Fact,
    leaves,
    rule_from_json,
    rule_to_json,
    summarise,
)
from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement, AchievementStatus, AchievementVersion
from microcred_web.assessments.selectors import credential_extras
from microcred_web.awards.facts import achievement_ref, person_indexes
from microcred_web.awards.models import Award, AwardRule
from microcred_web.common.domain_events import domain_event_emit
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.holders import credential_held
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.orgs.models import Organisation


def stacked_achievements(rule: Condition | None) -> list[str]:
    """Public ids of the achievements ``rule`` needs a credential for."""
    if rule is None:
        return []
    prefix = "achievement:"
    return sorted(
        {
            leaf.ref[len(prefix) :]
            for leaf in leaves(rule)
            if isinstance(leaf, CredentialHeld) and leaf.ref.startswith(prefix)
        }
    )


def award_rule_save(
    *,
    organisation: Organisation,
    achievement: Achievement,
    rule: Condition | None,
    actor: Any,
    enabled: bool | None = None,
) -> AwardRule:
    """Store the rule of ``achievement`` (validated by the core), with an audit event.

    Turning a rule on queues an evaluation of every member, so people who already qualify
    receive the credential."""
    if achievement.organisation_id != organisation.pk:
        raise ApplicationError(
            "wrong_organisation", _("Not an achievement of this organisation."), "achievement"
        )
    data = rule_to_json(rule) if rule is not None else None
    if data is not None:
        try:
            rule_from_json(data)
        except InvalidInput as error:
            raise ApplicationError("invalid_rule", str(error), "rule") from error
    with transaction.atomic():
        award_rule, _created = AwardRule.objects.select_for_update().get_or_create(
            achievement=achievement, defaults={"organisation": organisation}
        )
        was_enabled = award_rule.enabled
        award_rule.rule_json = data
        award_rule.stacks_on = " ".join(stacked_achievements(rule))
        if enabled is not None:
            award_rule.enabled = enabled
        if rule is None:
            award_rule.enabled = False
        award_rule.updated_by = actor if getattr(actor, "pk", None) else None
        award_rule.save()
        audit_record(
            action="awards.rule_changed",
            actor=actor,
            organisation=organisation,
            target=achievement,
            data={
                "achievement": achievement.name,
                "enabled": award_rule.enabled,
                "summary": summarise(rule) if rule is not None else "",
            },
        )
        if award_rule.enabled and not was_enabled:
            from microcred_web.awards.tasks import awards_evaluate_task

            org_id = organisation.pk
            transaction.on_commit(lambda: awards_evaluate_task.enqueue(organisation_id=org_id))
    return award_rule


@dataclass(frozen=True)
class ActiveRule:
    achievement: Achievement
    compiled: CompiledRule


def active_rules(*, organisation: Organisation) -> list[ActiveRule]:
    """Enabled rules whose achievement is published (so there is a version to issue)."""
    out: list[ActiveRule] = []
    queryset = AwardRule.objects.filter(
        organisation=organisation,
        enabled=True,
        rule_json__isnull=False,
        achievement__status=AchievementStatus.PUBLISHED,
        achievement__current_version__isnull=False,
    ).select_related("achievement", "achievement__current_version")
    for award_rule in queryset.order_by("pk"):
        rule = award_rule.rule
        if rule is not None:
            out.append(ActiveRule(award_rule.achievement, CompiledRule(rule)))
    return out


#: Per-person rules that replace an achievement's award rule: (organisation, user ids) →
#: {user id: {achievement id: rule}}. The pathways app registers the rules of the version each
#: learner is pinned to (docs/decisions/0025); the award rule stays the one for everyone else.
PersonalRules = Callable[[Organisation, list[int]], dict[int, dict[int, CompiledRule]]]
_personal_rules: list[PersonalRules] = []


def personal_rules_register(provider: PersonalRules) -> None:
    if provider not in _personal_rules:
        _personal_rules.append(provider)


def personal_rules(
    *, organisation: Organisation, user_ids: list[int]
) -> dict[int, dict[int, CompiledRule]]:
    out: dict[int, dict[int, CompiledRule]] = {}
    for provider in _personal_rules:
        for user_id, rules in provider(organisation, user_ids).items():
            out.setdefault(user_id, {}).update(rules)
    return out


def awards_evaluate(
    *, organisation: Organisation, user_ids: Iterable[int] | None = None
) -> list[Award]:
    """Evaluate the enabled rules for these members (all when None) and issue what they
    newly earned. An award earned here counts at once for rules that stack on it."""
    rules = active_rules(organisation=organisation)
    if not rules:
        return []
    indexes = person_indexes(organisation=organisation, user_ids=user_ids)
    done = set(
        Award.objects.filter(organisation=organisation, user_id__in=list(indexes)).values_list(
            "achievement_id", "user_id"
        )
    )
    users = User.objects.in_bulk(list(indexes))
    personal = personal_rules(organisation=organisation, user_ids=list(indexes))
    made: list[Award] = []
    for user_id, ix in indexes.items():
        own = personal.get(user_id, {})
        progressed = True
        while progressed:  # until no rule is newly met (stacking inside one evaluation)
            progressed = False
            for active in rules:
                achievement = active.achievement
                if (achievement.pk, user_id) in done:
                    continue
                earned_at = own.get(achievement.pk, active.compiled).earned_at(ix)
                if earned_at is None:
                    continue
                award = award_issue(
                    organisation=organisation,
                    achievement=achievement,
                    user=users[user_id],
                    earned_at=earned_at,
                )
                done.add((achievement.pk, user_id))
                made.append(award)
                ix.add(Fact(CREDENTIAL_HELD, achievement_ref(achievement.public_id), earned_at))
                progressed = True
    return made


#: the pathways app's component credentials of a goal or milestone, bound late (layering)
COMPONENT_EVIDENCE = "microcred_web.pathways.components.component_evidence"


def award_issue(
    *, organisation: Organisation, achievement: Achievement, user: User, earned_at: Any
) -> Award:
    """Issue ``achievement``'s current version to ``user`` once, record the award and link the
    credential to the person. Safe to run twice or concurrently: one credential, one award.
    A person who already holds an active credential of the achievement (of any version, however
    issued) gets no second one: the award records the credential they hold."""
    version = achievement.current_version
    if version is None:
        raise ApplicationError(
            "not_published", _("The achievement has no published version."), "achievement"
        )
    source_key = f"award:{achievement.pk}:{user.pk}"
    # the person may hold one already (issued by hand, in bulk, of an earlier version)
    held = credential_held(
        organisation=organisation,
        version_ids=list(achievement.versions.values_list("pk", flat=True)),
        user=user,
    )
    credential = held or _issue_for_award(organisation, version, user, source_key)
    Credential.objects.filter(pk=credential.pk, recipient_user__isnull=True).update(
        recipient_user=user
    )
    try:
        with transaction.atomic():
            award, created = Award.objects.get_or_create(
                achievement=achievement,
                user=user,
                defaults={
                    "organisation": organisation,
                    "credential": credential,
                    "earned_at": earned_at,
                    # a credential they already held is not news: no "New credential" banner
                    "seen_at": timezone.now() if held is not None else None,
                },
            )
            if created:
                audit_record(
                    action="awards.awarded",
                    organisation=organisation,
                    target=achievement,
                    data={"achievement": achievement.name, "recipient": user.email},
                )
                domain_event_emit(
                    organisation_id=organisation.pk,
                    event_type="award.earned",
                    data={
                        "achievement": {"id": str(achievement.public_id), "name": achievement.name},
                        "recipient": {"email": user.email, "name": user.display_name or None},
                        "credential": {"id": str(credential.public_id)},
                        "earned_at": earned_at,
                    },
                )
    except IntegrityError:  # a concurrent evaluation recorded it first
        award = Award.objects.get(achievement=achievement, user=user)
    return award


def _issue_for_award(
    organisation: Organisation, version: AchievementVersion, user: User, source_key: str
) -> Credential:
    achievement = version.achievement
    # accepted assessments of this achievement travel in the credential (OB 3.0 result/evidence)
    evidence, result = credential_extras(
        organisation=organisation, user_id=user.pk, achievement_id=achievement.pk
    )
    if apps.is_installed("microcred_web.pathways"):  # a pathway goal names its components
        evidence = [*evidence, *import_string(COMPONENT_EVIDENCE)(organisation, achievement, user)]
    credentials_issue(
        organisation=organisation,
        achievement_version=version,
        recipients=[
            RecipientInput(
                email=user.email,
                name=user.get_full_name() or None,
                evidence=evidence,
                result=result,
                source_key=source_key,
            )
        ],
        actor=None,
        source="award",
    )
    # issued now, or by a concurrent evaluation a moment ago: the source key finds it
    return Credential.objects.get(organisation=organisation, source_key=source_key)


def awards_mark_seen(*, organisation: Organisation, user: User, award_ids: Iterable[int]) -> int:
    """Record that ``user`` saw these awards of theirs (the "New credential" highlight is shown
    once). A read receipt, not a change of record: no audit event."""
    ids = list(award_ids)
    if not ids:
        return 0
    return Award.objects.filter(
        organisation=organisation, user=user, pk__in=ids, seen_at__isnull=True
    ).update(seen_at=timezone.now())
