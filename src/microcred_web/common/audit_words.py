"""The audit log in words: a readable name and a sentence for each recorded action
("Sofia revoked the credential ‘First aid’ of Zoë").

Sentences are built only from what the event stored (actor, target label, data), so an event
reads the same after its subject was deleted. An action missing here still reads as words
(its name from the code), so a new action never shows a bare code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred_web.common.models import AuditEvent

AREAS: dict[str, Promise] = {
    "orgs": _("People and organisation"),
    "achievements": _("Achievements"),
    "issuing": _("Credentials"),
    "bulk": _("Bulk issuing"),
    "awards": _("Award rules"),
    "assessments": _("Assessments"),
    "learning": _("Learning"),
    "pathways": _("Pathways"),
    "skills": _("Skills"),
    "notifications": _("Notifications"),
    "sso": _("Single sign-on"),
}


@dataclass(frozen=True)
class EventWords:
    name: Promise  # "Credential revoked"
    sentence: Promise  # "%(actor)s revoked %(credential)s"


W = EventWords
CATALOGUE: dict[str, EventWords] = {
    # people and organisation
    "orgs.organisation_created": W(
        _("Organisation created"), _("%(actor)s created the organisation ‘%(label)s’")
    ),
    "orgs.organisation_updated": W(
        _("Organisation settings changed"), _("%(actor)s changed the organisation settings")
    ),
    "orgs.membership_added": W(_("Person added"), _("%(actor)s added %(person)s")),
    "orgs.membership_roles_changed": W(
        _("Roles changed"), _("%(actor)s changed the roles of %(person)s")
    ),
    "orgs.membership_deactivated": W(
        _("Person deactivated"), _("%(actor)s deactivated %(person)s")
    ),
    "orgs.membership_reactivated": W(
        _("Person reactivated"), _("%(actor)s reactivated %(person)s")
    ),
    "orgs.team_created": W(_("Team created"), _("%(actor)s created the team ‘%(label)s’")),
    "orgs.team_updated": W(_("Team changed"), _("%(actor)s changed the team ‘%(label)s’")),
    "orgs.team_deleted": W(_("Team deleted"), _("%(actor)s deleted the team ‘%(name)s’")),
    "orgs.invitation_created": W(_("Invitation sent"), _("%(actor)s invited %(email)s")),
    "orgs.invitation_revoked": W(
        _("Invitation withdrawn"), _("%(actor)s withdrew the invitation of %(invitee)s")
    ),
    "orgs.invitation_accepted": W(
        _("Invitation accepted"), _("%(actor)s accepted the invitation of %(invitee)s")
    ),
    # achievements
    "achievements.achievement_created": W(
        _("Achievement created"), _("%(actor)s created the achievement ‘%(label)s’")
    ),
    "achievements.achievement_updated": W(
        _("Achievement changed"), _("%(actor)s changed the achievement ‘%(label)s’")
    ),
    "achievements.achievement_published": W(
        _("Achievement published"), _("%(actor)s published the achievement ‘%(label)s’")
    ),
    "achievements.achievement_archived": W(
        _("Achievement archived"), _("%(actor)s archived the achievement ‘%(label)s’")
    ),
    # credentials
    "issuing.credential_issued": W(
        _("Credential issued"),
        _("%(actor)s issued the credential ‘%(achievement)s’ to %(recipient)s"),
    ),
    "issuing.credentials_issued": W(
        _("Credentials issued"), _("%(actor)s issued %(count)s credentials ‘%(achievement)s’")
    ),
    "issuing.submitted_credential_issued": W(
        _("Submitted credential issued"),
        _("%(actor)s issued a credential submitted through the API"),
    ),
    "issuing.credential_revoked": W(_("Credential revoked"), _("%(actor)s revoked %(credential)s")),
    "issuing.credential_suspended": W(
        _("Credential suspended"), _("%(actor)s suspended %(credential)s")
    ),
    "issuing.credential_unsuspended": W(
        _("Credential reinstated"), _("%(actor)s reinstated %(credential)s")
    ),
    "issuing.credential_resent": W(
        _("Credential sent again"), _("%(actor)s sent %(credential)s again")
    ),
    "issuing.credential_reissued": W(
        _("Credential reissued"), _("%(actor)s reissued %(credential)s to a new address")
    ),
    "issuing.credential_claimed": W(_("Credential claimed"), _("%(actor)s claimed %(credential)s")),
    "issuing.delivery_bounced": W(_("E-mail bounced"), _("The e-mail with %(credential)s bounced")),
    "issuing.issuer_profile_updated": W(
        _("Issuer profile changed"), _("%(actor)s changed the issuer profile")
    ),
    "issuing.api_key_created": W(
        _("API key created"), _("%(actor)s created the API key ‘%(name)s’")
    ),
    "issuing.api_key_revoked": W(
        _("API key revoked"), _("%(actor)s revoked the API key ‘%(name)s’")
    ),
    "issuing.key_created": W(_("Signing key created"), _("%(actor)s created a signing key")),
    "issuing.key_compromised": W(
        _("Signing key marked compromised"), _("%(actor)s marked a signing key as compromised")
    ),
    # bulk issuing
    "bulk.uploaded": W(_("Bulk file uploaded"), _("%(actor)s uploaded the file ‘%(file)s’")),
    "bulk.checked": W(_("Bulk file checked"), _("%(actor)s checked the file %(job)s")),
    "bulk.started": W(_("Bulk issuing started"), _("%(actor)s started issuing the file %(job)s")),
    "bulk.finished": W(_("Bulk issuing finished"), _("Issuing the file %(job)s finished")),
    "bulk.failed": W(_("Bulk issuing failed"), _("Issuing the file %(job)s failed")),
    # award rules
    "awards.awarded": W(
        _("Awarded by a rule"), _("%(actor)s awarded ‘%(achievement)s’ to %(recipient)s")
    ),
    "awards.rule_changed": W(
        _("Award rule changed"), _("%(actor)s changed the award rule of ‘%(label)s’")
    ),
    # assessments
    "assessments.assessment_started": W(
        _("Assessment started"), _("%(actor)s started %(assessment)s")
    ),
    "assessments.assessment_assigned": W(
        _("Assessor assigned"), _("%(actor)s assigned an assessor to %(assessment)s")
    ),
    "assessments.evidence_uploaded": W(
        _("Evidence uploaded"), _("%(actor)s uploaded evidence for %(assessment)s")
    ),
    "assessments.evidence_submitted": W(
        _("Evidence submitted"), _("%(actor)s submitted %(assessment)s")
    ),
    "assessments.assessment_decided": W(
        _("Assessment decided"), _("%(actor)s decided on %(assessment)s")
    ),
    "assessments.assessment_accepted": W(
        _("Assessment accepted"), _("%(actor)s accepted %(assessment)s")
    ),
    "assessments.decision_disputed": W(
        _("Decision disputed"), _("%(actor)s disputed the decision on %(assessment)s")
    ),
    "assessments.moderation_requested": W(
        _("Moderation requested"), _("%(actor)s asked for moderation of %(assessment)s")
    ),
    "assessments.moderation_sampled": W(
        _("Sampled for moderation"), _("%(assessment)s was sampled for moderation")
    ),
    "assessments.moderation_decided": W(
        _("Moderation decided"), _("%(actor)s moderated %(assessment)s")
    ),
    "assessments.observation_recorded": W(
        _("Observation recorded"), _("%(actor)s recorded an observation for %(assessment)s")
    ),
    "assessments.observation_countersigned": W(
        _("Observation countersigned"), _("%(actor)s countersigned %(assessment)s")
    ),
    "assessments.requirement_created": W(
        _("Requirement created"), _("%(actor)s created the requirement ‘%(label)s’")
    ),
    "assessments.criterion_added": W(
        _("Criterion added"), _("%(actor)s added the criterion ‘%(criterion)s’ to ‘%(label)s’")
    ),
    "assessments.criterion_removed": W(
        _("Criterion removed"),
        _("%(actor)s removed the criterion ‘%(criterion)s’ from ‘%(label)s’"),
    ),
    "assessments.refresher_course_set": W(
        _("Refresher course set"), _("%(actor)s set the refresher course of ‘%(label)s’")
    ),
    "assessments.policy_updated": W(
        _("Assessment settings changed"), _("%(actor)s changed the assessment settings")
    ),
    "assessments.recertification_opened": W(
        _("Recertification opened"), _("Recertification ‘%(requirement)s’ opened")
    ),
    "assessments.refresher_enrolled": W(
        _("Enrolled in a refresher"), _("%(actor)s enrolled someone in ‘%(course)s’")
    ),
    "assessments.expiry_reminder_sent": W(
        _("Expiry reminder sent"), _("%(actor)s sent an expiry reminder")
    ),
    "assessments.expiry_nudged": W(
        _("Renewal reminder sent"), _("%(actor)s reminded %(recipient)s to renew ‘%(achievement)s’")
    ),
    "assessments.credential_renewed": W(
        _("Credential renewed"), _("%(actor)s renewed a credential")
    ),
    # learning
    "learning.course_create": W(_("Course created"), _("%(actor)s created the course ‘%(label)s’")),
    "learning.course_update": W(_("Course changed"), _("%(actor)s changed the course ‘%(label)s’")),
    "learning.course_publish": W(
        _("Course published"), _("%(actor)s published version %(version)s of ‘%(label)s’")
    ),
    "learning.course_assign": W(
        _("Course assigned"), _("%(actor)s assigned the course ‘%(label)s’")
    ),
    "learning.course_rollback": W(
        _("Course rolled back"),
        _("%(actor)s started a draft of ‘%(label)s’ from version %(version)s"),
    ),
    "learning.self_enrol": W(_("Enrolled"), _("%(actor)s enrolled in the course ‘%(label)s’")),
    "learning.module_create": W(_("Module added"), _("%(actor)s added the module ‘%(label)s’")),
    "learning.module_update": W(_("Module changed"), _("%(actor)s changed the module ‘%(label)s’")),
    "learning.module_delete": W(_("Module deleted"), _("%(actor)s deleted the module ‘%(title)s’")),
    "learning.block_create": W(_("Block added"), _("%(actor)s added a block")),
    "learning.block_update": W(_("Block changed"), _("%(actor)s changed a block")),
    "learning.block_delete": W(_("Block deleted"), _("%(actor)s deleted a block")),
    "learning.quiz_create": W(_("Quiz created"), _("%(actor)s created the quiz ‘%(label)s’")),
    "learning.quiz_update": W(_("Quiz changed"), _("%(actor)s changed the quiz ‘%(label)s’")),
    "learning.question_create": W(_("Question added"), _("%(actor)s added a question")),
    "learning.question_update": W(_("Question changed"), _("%(actor)s changed a question")),
    "learning.question_delete": W(_("Question deleted"), _("%(actor)s deleted a question")),
    "learning.records_import": W(
        _("Learning records imported"), _("%(actor)s imported %(imported)s learning records")
    ),
    "learning.translations_import": W(
        _("Translations imported"), _("%(actor)s imported translations of ‘%(label)s’")
    ),
    "learning.translations_machine": W(
        _("Machine translation"), _("%(actor)s machine-translated ‘%(label)s’")
    ),
    # pathways, skills, notifications
    "pathways.created": W(_("Pathway created"), _("%(actor)s created the pathway ‘%(label)s’")),
    "pathways.draft_changed": W(
        _("Pathway changed"), _("%(actor)s changed the pathway ‘%(label)s’")
    ),
    "pathways.published": W(
        _("Pathway published"), _("%(actor)s published the pathway ‘%(label)s’")
    ),
    "pathways.assigned": W(_("Pathway assigned"), _("%(actor)s assigned a pathway")),
    "pathways.enrolled": W(_("Pathway joined"), _("%(actor)s joined a pathway")),
    "pathways.migrated": W(
        _("Pathway version changed"), _("%(actor)s moved people to a new version")
    ),
    "pathways.recognition_added": W(
        _("Recognition added"), _("%(actor)s added a recognised credential")
    ),
    "pathways.recognition_removed": W(
        _("Recognition removed"), _("%(actor)s removed a recognised credential")
    ),
    "skills.skill_created": W(_("Skill created"), _("%(actor)s created the skill ‘%(label)s’")),
    "skills.framework_imported": W(
        _("Skills framework imported"), _("%(actor)s imported the framework ‘%(label)s’")
    ),
    "skills.alignment_set": W(_("Skills aligned"), _("%(actor)s set the skills of ‘%(label)s’")),
    "skills.group_saved": W(
        _("Skill group saved"), _("%(actor)s saved the skill group ‘%(label)s’")
    ),
    "skills.group_assigned": W(_("Skills grouped"), _("%(actor)s grouped %(skills)s skills")),
    "skills.role_saved": W(_("Role saved"), _("%(actor)s saved the role ‘%(label)s’")),
    "skills.person_role_set": W(_("Person's role set"), _("%(actor)s set someone's role")),
    "skills.role_link_add": W(_("Career step added"), _("%(actor)s linked ‘%(from)s’ to ‘%(to)s’")),
    "skills.role_link_remove": W(
        _("Career step removed"), _("%(actor)s unlinked ‘%(from)s’ from ‘%(to)s’")
    ),
    "skills.recommendation_dismiss": W(
        _("Recommendation dismissed"), _("%(actor)s dismissed a recommendation")
    ),
    "skills.recommendation_restore": W(
        _("Recommendation restored"), _("%(actor)s restored a recommendation")
    ),
    "notifications.preferences_set": W(
        _("Notification settings changed"), _("%(actor)s changed their notification settings")
    ),
    "sso.connection_saved": W(
        _("Single sign-on settings changed"), _("%(actor)s changed the single sign-on settings")
    ),
    "sso.signed_in": W(
        _("Signed in with single sign-on"), _("%(actor)s signed in with single sign-on")
    ),
}


def event_name(action: str) -> str:
    """The event's readable name; an unknown action reads as the words of its code."""
    words = CATALOGUE.get(action)
    if words is not None:
        return str(words.name)
    return action.split(".", 1)[-1].replace("_", " ").capitalize()


def area_of(action: str) -> str:
    return action.split(".", 1)[0]


def actor_name(event: AuditEvent) -> str:
    if event.actor is None:
        return gettext("The system")
    return str(event.actor.get_full_name())


def _credential(data: dict[str, Any]) -> str:
    achievement, recipient = data.get("achievement"), data.get("recipient")
    if achievement and recipient:
        return gettext("the credential ‘%(achievement)s’ of %(recipient)s") % {
            "achievement": achievement,
            "recipient": recipient,
        }
    if recipient:
        return gettext("a credential of %(recipient)s") % {"recipient": recipient}
    return gettext("a credential")


def _values(event: AuditEvent) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    label = event.target_label
    values: dict[str, Any] = {str(k): v for k, v in data.items() if not isinstance(v, dict)}
    values.update(
        actor=actor_name(event),
        label=label,
        person=label.rsplit(" @ ", 1)[0],  # a membership reads "person @ organisation"
        invitee=label.split(" → ", 1)[0],  # an invitation reads "e-mail → organisation"
        credential=_credential(data),
        job=f"‘{data['file']}’" if data.get("file") else label,
    )
    if data.get("requirement") and data.get("learner"):
        values["assessment"] = gettext("the assessment ‘%(requirement)s’ of %(learner)s") % {
            "requirement": data["requirement"],
            "learner": data["learner"],
        }
    else:
        values["assessment"] = f"‘{label}’" if label else gettext("an assessment")
    return values


def describe(event: AuditEvent) -> str:
    """One sentence saying who did what to what."""
    values = _values(event)
    words = CATALOGUE.get(event.action)
    if words is not None:
        try:
            sentence = str(words.sentence) % values
        except (KeyError, TypeError, ValueError):  # an older event without that data
            sentence = ""
        if sentence:
            return sentence[:1].upper() + sentence[1:]
    parts = [values["actor"], event_name(event.action)]
    return ": ".join(parts) + (f" — {event.target_label}" if event.target_label else "")


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The "what" filter: per area, the whole area then each of its events, by name."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for area, area_name in AREAS.items():
        events = sorted(
            ((action, str(w.name)) for action, w in CATALOGUE.items() if area_of(action) == area),
            key=lambda pair: pair[1],
        )
        all_of_area = (f"{area}.", gettext("All: %(area)s") % {"area": area_name})
        groups.append((str(area_name), [all_of_area, *events]))
    return groups
