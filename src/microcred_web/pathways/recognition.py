"""Recognition of credentials from elsewhere: an admin maps an external achievement to an item
of a pathway step; a member's verified imported credential that matches then counts as that
item (a ``credential_held`` fact fed to the award rules and the map); one that does not verify,
was revoked, has expired or was tampered with does not, and the map says why.
(docs/decisions/0026-recognition-of-external-credentials.md)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from microcred.pathways import Pathway as Definition
from microcred.pathways import scope_for
from microcred.pathways.definition import CREDIT
from microcred.pathways.recognition import (
    COUNTS,
    EXPIRED,
    NO_DATE,
    NOT_HOLDER,
    NOT_VERIFIED,
    REVOKED,
    SUSPENDED,
    TAMPERED,
    TOO_OLD,
    ExternalCredential,
    RecognitionRule,
    external_identity,
    matches,
    names_recipient,
    standing,
)
from microcred.rules import CREDENTIAL_HELD, Fact
from microcred.verify import decode_input
from microcred_web.assessments.models import Requirement, RequirementKind
from microcred_web.assessments.selectors import requirements_open_to_learners
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.pathways.models import Enrolment, Pathway, Recognition
from microcred_web.wallet.models import ImportedCredential

REF_PREFIX = "achievement:"
MAX_RECOGNITIONS = 200
MAX_DAYS = 36500


def _reasons() -> dict[str, str]:
    return {
        NOT_VERIFIED: _("it could not be verified"),
        REVOKED: _("its issuer revoked it"),
        SUSPENDED: _("its issuer suspended it"),
        TAMPERED: _("it was changed after it was signed"),
        EXPIRED: _("it has expired"),
        TOO_OLD: _("it was issued too long ago to count"),
        NO_DATE: _("it does not say when it was issued"),
        NOT_HOLDER: _("it was issued to another e-mail address than yours"),
    }


def rule_of(recognition: Recognition) -> RecognitionRule:
    return RecognitionRule(
        recognition.issuer_id,
        recognition.achievement_id,
        recognition.skill_uri,
        recognition.valid_for_days,
    )


def external_of(imported: ImportedCredential) -> ExternalCredential:
    """The imported credential as recognition sees it (ids read from its stored document)."""
    document = imported.document
    if document is None:  # a VC-JWT: its payload is the document
        try:
            decoded = decode_input(imported.payload.encode())
            document = dict(decoded.document)
        except Exception:
            document = {}
    issuer_id, achievement_id, skills = external_identity(document)
    return ExternalCredential(
        issuer_id or imported.issuer_id,
        achievement_id,
        skills,
        imported.label,
        imported.issued_on,
        imported.expires_on,
        names_recipient(document, [imported.owner.email]),
    )


# ----------------------------------------------------------------------------- facts


def recognised_facts(organisation: Organisation, user_ids: list[int]) -> dict[int, list[Fact]]:
    """Member id → ``credential_held`` facts of the items their imported credentials are
    recognised as (only those that count now). Registered in ``awards.facts.FACT_SOURCES``."""
    recognitions = list(
        Recognition.objects.filter(
            organisation=organisation, pathway__published_version__isnull=False
        ).select_related("pathway__goal")
    )
    if not recognitions or not user_ids:
        return {}
    now = timezone.now()
    out: dict[int, list[Fact]] = {}
    wanted = set(user_ids)
    imports = ImportedCredential.objects.select_related("owner").order_by("pk")
    if len(wanted) <= 500:
        imports = imports.filter(owner_id__in=wanted)
    else:  # every member: join rather than send a huge list of ids
        imports = imports.filter(
            owner__memberships__organisation=organisation, owner__memberships__is_active=True
        )
    for imported in imports:
        if imported.owner_id not in wanted:
            continue
        external = external_of(imported)
        for recognition in recognitions:
            rule = rule_of(recognition)
            if matches(rule, external) and standing(rule, external, now) == COUNTS:
                at = imported.issued_on or imported.verified_at
                out.setdefault(imported.owner_id, []).append(fact_of(recognition, at))
    return out


def fact_of(recognition: Recognition, at: datetime) -> Fact:
    """The fact a counting import of ``recognition`` gives: held as its item, worth its credit
    (per system where stated; 0: the item's own), only in its step if it is restricted."""
    worths = tuple(
        (system, float(value))
        for system, value in sorted(recognition.system_credits.items())
        if isinstance(value, (int, float))
    )
    goal = f"{REF_PREFIX}{recognition.pathway.goal.public_id}"
    return Fact(
        CREDENTIAL_HELD,
        recognition.counts_as,
        at,
        credits=recognition.credit,
        worth=recognition.credit or None,  # 0: the item's own credit
        worths=worths,
        scope=scope_for(goal, recognition.step_id) if recognition.only_in_step else "",
    )


# ----------------------------------------------------------------------------- the map


@dataclass(frozen=True)
class RecognitionLine:
    """One of the learner's imported credentials that a pathway recognises."""

    imported: ImportedCredential
    recognition: Recognition
    step_title: str
    counts: bool
    reason: str  # why it does not count ("" when it counts)
    system: str = ""  # the credit system its step counts in ("" unless a credit step)

    @property
    def credit(self) -> float:
        """The recognised credit value it counts for in its step (0: the item's own)."""
        return self.recognition.credit_in(self.system)


def recognition_lines(*, enrolment: Enrolment, definition: Definition) -> list[RecognitionLine]:
    """The learner's imported credentials that match a recognition of the pathway."""
    recognitions = list(
        Recognition.objects.filter(organisation=enrolment.organisation, pathway=enrolment.pathway)
    )
    if not recognitions:
        return []
    titles = {step.id: step.title for step in definition.steps}
    systems = {step.id: step.system for step in definition.steps if step.kind == CREDIT}
    reasons = _reasons()
    now = timezone.now()
    lines = []
    for imported in ImportedCredential.objects.filter(owner_id=enrolment.user_id).select_related(
        "owner"
    ):
        external = external_of(imported)
        for recognition in recognitions:
            rule = rule_of(recognition)
            if not matches(rule, external):
                continue
            verdict = standing(rule, external, now)
            lines.append(
                RecognitionLine(
                    imported,
                    recognition,
                    titles.get(recognition.step_id, recognition.step_id),
                    verdict == COUNTS,
                    "" if verdict == COUNTS else _reason(verdict, reasons, imported),
                    systems.get(recognition.step_id, ""),
                )
            )
    return lines


def _day(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _reason(verdict: str, reasons: dict[str, str], imported: ImportedCredential) -> str:
    """The reason, with when a re-check found the label and when it was last checked."""
    if imported.label_since is None or imported.label == "valid":
        return reasons[verdict]
    return _("%(reason)s (found on %(found)s, last checked %(checked)s)") % {
        "reason": reasons[verdict],
        "found": _day(imported.label_since),
        "checked": _day(imported.checked_at),
    }


def recognitions_of(*, pathway: Pathway) -> list[Recognition]:
    return list(Recognition.objects.filter(organisation=pathway.organisation, pathway=pathway))


# ----------------------------------------------------------------------------- writes


def _clean(value: str, field: str, limit: int = 500) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(field, _("This is too long."), field)
    return value


@transaction.atomic
def recognition_add(
    *,
    pathway: Pathway,
    definition: Definition,
    actor: Any,
    step_id: str,
    counts_as: str,
    issuer_id: str = "",
    achievement_id: str = "",
    skill_uri: str = "",
    credit: float = 0.0,
    valid_for_days: int | None = None,
    system_credits: dict[str, float] | None = None,
    only_in_step: bool = False,
) -> Recognition:
    """Recognise an external achievement as item ``counts_as`` of step ``step_id``, for
    ``credit`` (per system in ``system_credits``), wherever the item counts or
    ``only_in_step``."""
    step = definition.step(step_id)
    if step is None:
        raise ApplicationError("step", _("Choose a step of this pathway."), "step")
    item = next((i for i in step.items if i.ref == counts_as), None)
    if item is None:
        raise ApplicationError("counts_as", _("Choose an achievement of that step."), "counts_as")
    issuer_id = _clean(issuer_id, "issuer_id")
    achievement_id = _clean(achievement_id, "achievement_id")
    skill_uri = _clean(skill_uri, "skill_uri")
    if not skill_uri and not (issuer_id and achievement_id):
        raise ApplicationError(
            "external",
            _("Give the issuer id and the achievement id, or the URI of a skill."),
            "issuer_id",
        )
    if skill_uri and (issuer_id or achievement_id):
        raise ApplicationError(
            "external",
            _("Recognise by issuer and achievement, or by skill, not both."),
            "skill_uri",
        )
    if not (0 <= credit <= 1000):
        raise ApplicationError("credit", _("Credit must be between 0 and 1000."), "credit")
    per_system = _system_credits(system_credits or {}, definition)
    if valid_for_days is not None and not (1 <= valid_for_days <= MAX_DAYS):
        raise ApplicationError(
            "valid_for_days", _("Give a number of days from 1 to 36500."), "valid_for_days"
        )
    if Recognition.objects.filter(pathway=pathway).count() >= MAX_RECOGNITIONS:
        raise ApplicationError("too_many", _("This pathway has too many recognitions."), "step")
    recognition = Recognition.objects.create(
        organisation=pathway.organisation,
        pathway=pathway,
        step_id=step.id,
        counts_as=item.ref,
        counts_as_label=item.label,
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        skill_uri=skill_uri,
        credit=credit,
        valid_for_days=valid_for_days,
        system_credits=per_system,
        only_in_step=only_in_step,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        action="pathways.recognition_added",
        actor=actor,
        organisation=pathway.organisation,
        target=pathway,
        data={
            "step": step.id,
            "counts_as": item.label,
            "external": skill_uri or f"{issuer_id} {achievement_id}",
            "credits": per_system,
            "only_in_step": only_in_step,
        },
    )
    # queued with this transaction (the task row commits with it)
    evaluate_holders(organisation=pathway.organisation)
    return recognition


def _system_credits(values: dict[str, float], definition: Definition) -> dict[str, float]:
    """The credit per system, checked: systems of the pathway only, 0 to 1000 each."""
    systems = definition.systems()
    out = {}
    for system, value in values.items():
        if system not in systems:
            raise ApplicationError(
                "credit",
                _("This pathway counts no credit in “%(system)s”.") % {"system": system},
                "credit",
            )
        if not (0 <= value <= 1000):
            raise ApplicationError("credit", _("Credit must be between 0 and 1000."), "credit")
        out[system] = float(value)
    return out


@transaction.atomic
def recognition_remove(*, pathway: Pathway, actor: Any, recognition_id: int) -> None:
    recognition = Recognition.objects.filter(pathway=pathway, pk=recognition_id).first()
    if recognition is None:
        raise ApplicationError("not_found", _("No such recognition."), "recognition", status=404)
    audit_record(
        action="pathways.recognition_removed",
        actor=actor,
        organisation=pathway.organisation,
        target=pathway,
        data={"counts_as": recognition.counts_as_label},
    )
    recognition.delete()


def evaluate_holders(*, organisation: Organisation, user_ids: list[int] | None = None) -> None:
    """Queue the award evaluation of the members holding imported credentials (among
    ``user_ids``): a new recognition or import may complete a milestone or the goal."""
    from microcred_web.awards.facts import member_ids
    from microcred_web.awards.tasks import awards_evaluate_task

    holders = ImportedCredential.objects.values_list("owner_id", flat=True).distinct()
    if user_ids is not None:
        holders = holders.filter(owner_id__in=user_ids)
    members = member_ids(organisation=organisation, user_ids=set(holders))
    if members:
        awards_evaluate_task.enqueue(organisation_id=organisation.pk, user_ids=members)


def on_imported(sender: Any, instance: ImportedCredential, created: bool, **_: Any) -> None:
    """After an import: evaluate the owner in each organisation that recognises something."""
    if not created:
        return
    organisations = Organisation.objects.filter(
        pk__in=Recognition.objects.values_list("organisation_id", flat=True)
    )
    for organisation in organisations:
        evaluate_holders(organisation=organisation, user_ids=[instance.owner_id])


@dataclass(frozen=True)
class MapRecognition:
    """The map's recognition section: the learner's matching imports, and the RPL requirements
    through which an assessor can recognise a credential the pathway does not know."""

    lines: list[RecognitionLine]
    rpl: list[tuple[str, Requirement]]  # (item label, open RPL requirement of that item)


def map_recognition(*, enrolment: Enrolment, definition: Definition) -> MapRecognition:
    labels = {item.ref.removeprefix(REF_PREFIX): item.label for item in definition.items()}
    requirements = requirements_open_to_learners(organisation=enrolment.organisation).filter(
        kind=RequirementKind.RPL, achievement__public_id__in=list(labels)
    )
    rpl = [
        (labels[str(r.achievement.public_id)], r)
        for r in requirements.select_related("achievement").order_by("pk")
    ]
    return MapRecognition(recognition_lines(enrolment=enrolment, definition=definition), rpl)
