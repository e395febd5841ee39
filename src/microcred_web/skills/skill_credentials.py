"""Skills that travel: a skill an accepted assessment proved becomes its own OB 3.0
credential — a ``Competency`` achievement of the organisation aligned to the framework item,
issued through the normal issuing service (signed, with a status entry). Decision 0024."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement, AchievementType
from microcred_web.assessments.models import Assessment
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation
from microcred_web.skills import assessed_evidence, services
from microcred_web.skills.models import Skill, SkillCredentialAchievement


@dataclass(frozen=True)
class AssessedSkill:
    """A skill an accepted assessment proved, at the level the assessed achievement sets."""

    skill: Skill
    level: int
    assessment: Assessment
    claimed: bool


def source_key(user: Any, skill: Skill, level: int) -> str:
    """One skill credential per person, skill and level (the issue's idempotency key)."""
    return f"skill-credential:{user.pk}:{skill.public_id}:{level}"


def assessed_skills(*, organisation: Organisation, user: Any) -> list[AssessedSkill]:
    """The skills accepted assessments proved — the same claims that become *assessed result*
    evidence (the assessed achievement's skills and the aligned rubric criteria met), best
    level per skill; ``claimed`` when the skill credential at that level was issued already."""
    claims = assessed_evidence.assessment_claims(organisation=organisation, user_id=user.pk)
    skills = Skill.objects.select_related("framework").in_bulk({c.skill_id for c in claims})
    best: dict[int, AssessedSkill] = {}
    for claim in claims:  # oldest acceptance first: a later one at the same level wins
        known, assessment = best.get(claim.skill_id), claim.assessment
        if assessment is None or claim.skill_id not in skills:
            continue
        if known is None or claim.level >= known.level:
            best[claim.skill_id] = AssessedSkill(
                skills[claim.skill_id], claim.level, assessment, False
            )
    keys = {source_key(user, a.skill, a.level): a for a in best.values()}
    taken = set(
        Credential.objects.filter(organisation=organisation, source_key__in=list(keys)).values_list(
            "source_key", flat=True
        )
    )
    found = [AssessedSkill(a.skill, a.level, a.assessment, key in taken) for key, a in keys.items()]
    return sorted(found, key=lambda a: (a.skill.label, a.skill.uri))


def _competency_values(organisation: Organisation, skill: Skill, level: int) -> dict[str, Any]:
    label = services.scale_default(organisation=organisation).label_of(level)
    description = skill.description or _("Holds the skill “%(skill)s”.") % {"skill": skill.label}
    return {
        "name": f"{skill.label} ({label})"[:200],
        "description": description,
        "criteria": _(
            "The skill “%(skill)s” was proven at the level “%(level)s” in an assessment "
            "accepted by %(organisation)s (portfolio review, observation or recognition of "
            "prior learning)."
        )
        % {"skill": skill.label, "level": label, "organisation": organisation.name},
        "achievement_type": AchievementType.COMPETENCY,
    }


def competency_achievement(
    *, organisation: Organisation, skill: Skill, level: int, actor: Any
) -> Achievement:
    """The organisation's Competency achievement for the skill at that level, created and
    published on first use (aligned to the skill, so its credentials feed the profile)."""
    found = SkillCredentialAchievement.objects.filter(
        organisation=organisation, skill=skill, level=level
    ).first()
    if found is not None:
        return found.achievement
    try:
        with transaction.atomic():
            achievement = achievement_services.achievement_create(
                organisation=organisation,
                actor=actor,
                values=_competency_values(organisation, skill, level),
            )
            services.alignment_set(achievement=achievement, actor=actor, rows=[(skill.pk, level)])
            achievement_services.achievement_publish(achievement=achievement, actor=actor)
            SkillCredentialAchievement.objects.create(
                organisation=organisation, skill=skill, level=level, achievement=achievement
            )
    except IntegrityError:  # created by a concurrent request: use theirs
        found = SkillCredentialAchievement.objects.get(
            organisation=organisation, skill=skill, level=level
        )
        return found.achievement
    achievement.refresh_from_db()
    return achievement


def skill_credential_claim(*, organisation: Organisation, user: Any, skill_id: Any) -> Credential:
    """Issue the person's skill credential for an assessed skill (once per skill and level;
    a repeated claim returns the credential issued before)."""
    assessed = {str(a.skill.pk): a for a in assessed_skills(organisation=organisation, user=user)}
    chosen = assessed.get(str(skill_id))
    if chosen is None:
        raise ApplicationError(
            "not_assessed", _("No accepted assessment proves this skill."), "skill"
        )
    key = source_key(user, chosen.skill, chosen.level)
    earlier = Credential.objects.filter(organisation=organisation, source_key=key).first()
    if earlier is not None:
        return earlier
    achievement = competency_achievement(
        organisation=organisation, skill=chosen.skill, level=chosen.level, actor=user
    )
    version = achievement.current_version
    if version is None:  # published above, so never; keeps the type exact
        raise ApplicationError("not_published", _("The skill achievement is not published."))
    name = user.get_full_name() or user.email
    created = issuing.credentials_issue(
        organisation=organisation,
        achievement_version=version,
        recipients=[issuing.RecipientInput(email=user.email, name=name, source_key=key)],
        actor=user,
        source="skill-credential",
        deliver=False,
    )
    if created:
        return created[0]
    return Credential.objects.get(organisation=organisation, source_key=key)
