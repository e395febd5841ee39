"""The weaker evidence sources (issue 17 item 3): self-assessment, manager ratings, peer
endorsements, and each person's per-skill visibility.

Each rating is an evidence row whose ``source`` names who rated (``self:<user>``,
``rating:<manager>``, ``endorsement:<request>``): rating again appends a row for the same source,
so the latest rating of each person counts and the log keeps the history (ADR 0024).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.skills import EvidenceKind
from microcred.skills.visibility import DEFAULT, Viewer, Visibility, can_see
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.models import Membership, Organisation, Role, Team
from microcred_web.skills import services
from microcred_web.skills.models import (
    EndorsementRequest,
    EndorsementStatus,
    PublicSkillsPage,
    Skill,
    SkillEvidence,
    SkillVisibility,
)

OPEN = (EndorsementStatus.PENDING, EndorsementStatus.DETAIL)


def _level(organisation: Organisation, level: Any) -> int:
    scale = services.scale_default(organisation=organisation)
    values = {int(row["value"]) for row in scale.levels}
    if not str(level).isdigit() or int(level) not in values:
        raise ApplicationError("level", _("Choose a level of the organisation's scale."), "level")
    return int(level)


def _member(organisation: Organisation, user: Any) -> Membership | None:
    return Membership.objects.filter(organisation=organisation, user=user, is_active=True).first()


def _skill(organisation: Organisation, skill: Skill) -> Skill:
    if skill.organisation_id != organisation.pk:
        raise ApplicationError("skill", _("No such skill."), "skill")
    return skill


def _append(
    organisation: Organisation, user: Any, skill: Skill, kind: EvidenceKind, level: int, **kw: Any
) -> SkillEvidence:
    return SkillEvidence.objects.create(
        organisation=organisation,
        user=user,
        skill=_skill(organisation, skill),
        kind=int(kind),
        level=level,
        observed_at=timezone.now(),
        **kw,
    )


# --------------------------------------------------------------------------- relations


def viewer_of(*, organisation: Organisation, viewer: Any, person: Any) -> Viewer | None:
    """The viewer's relation to ``person`` in the organisation (None: not both members)."""
    if viewer.pk == person.pk:
        return Viewer.SELF
    seen, seer = _member(organisation, person), _member(organisation, viewer)
    if seen is None or seer is None:
        return None
    if seer.role_names and Role.ADMIN in seer.role_names:
        return Viewer.MANAGER
    managed = Team.objects.filter(organisation=organisation, managers=seer, members=seen)
    return Viewer.MANAGER if managed.exists() else Viewer.COLLEAGUE


# --------------------------------------------------------------------------- ratings


def self_assess(
    *, organisation: Organisation, user: Any, skill: Skill, level: Any
) -> SkillEvidence:
    """The person rates themselves: the weakest evidence, never *verified*."""
    return _append(
        organisation,
        user,
        skill,
        EvidenceKind.SELF_ASSESSMENT,
        _level(organisation, level),
        source=f"self:{user.pk}",
        note=_("Self-assessment"),
    )


def manager_rate(
    *, organisation: Organisation, manager: Any, person: Any, skill: Skill, level: Any
) -> SkillEvidence:
    """A manager of one of the person's teams (or an administrator) rates their skill."""
    if person.pk == manager.pk:
        raise ApplicationError("person", _("Rate yourself on My skills."), "person")
    if viewer_of(organisation=organisation, viewer=manager, person=person) is not Viewer.MANAGER:
        raise ApplicationError("person", _("You do not manage this person."), "person")
    name = manager.display_name or manager.email
    return _append(
        organisation,
        person,
        skill,
        EvidenceKind.RATING,
        _level(organisation, level),
        source=f"rating:{manager.pk}",
        note=_("Rated by %(name)s (manager)") % {"name": name},
    )


# --------------------------------------------------------------------------- endorsements


def _notify(organisation: Organisation, user: Any, kind: str, title: str, body: str) -> None:
    from microcred_web.notifications import services as notifications

    notifications.notification_send(
        organisation=organisation,
        user=user,
        kind=kind,
        title=title,
        body=body,
        url=reverse("skills:endorsements", kwargs={"slug": organisation.slug}),
    )


@transaction.atomic
def endorsement_request(
    *,
    organisation: Organisation,
    requester: Any,
    endorser: Any,
    skill: Skill,
    level: Any,
    message: str = "",
) -> EndorsementRequest:
    """Ask a colleague (an active member of the same organisation) to endorse a skill."""
    if endorser is None or _member(organisation, endorser) is None:
        raise ApplicationError(
            "endorser", _("Choose a colleague of this organisation."), "endorser"
        )
    if endorser.pk == requester.pk:
        raise ApplicationError("endorser", _("Ask someone other than yourself."), "endorser")
    found = EndorsementRequest.objects.filter(
        organisation=organisation,
        requester=requester,
        endorser=endorser,
        skill=_skill(organisation, skill),
        status__in=OPEN,
    ).first()
    if found is not None:
        return found
    request = EndorsementRequest.objects.create(
        organisation=organisation,
        requester=requester,
        endorser=endorser,
        skill=skill,
        level=_level(organisation, level),
        message=message.strip()[:500],
    )
    name = requester.display_name or requester.email
    _notify(
        organisation,
        endorser,
        "assigned",
        _("%(name)s asks you to endorse a skill") % {"name": name},
        f"{skill.label}: {request.message}".strip(": "),
    )
    return request


def _open_request(request: EndorsementRequest, actor: Any) -> EndorsementRequest:
    if request.endorser_id != actor.pk:
        raise ApplicationError("request", _("This request is not addressed to you."), "request")
    if request.status not in OPEN:
        raise ApplicationError("request", _("This request has already been answered."), "request")
    return request


@transaction.atomic
def endorsement_accept(
    *, request: EndorsementRequest, actor: Any, comment: str = ""
) -> SkillEvidence:
    """The colleague endorses the skill at the level asked: a peer-endorsement row."""
    _open_request(request, actor)
    request.status = EndorsementStatus.ACCEPTED
    request.response = comment.strip()[:500]
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "response", "answered_at"])
    name = actor.display_name or actor.email
    note = _("Endorsed by %(name)s") % {"name": name}
    if request.response:
        note = f"{note}: {request.response}"
    row = _append(
        request.organisation,
        request.requester,
        request.skill,
        EvidenceKind.PEER_ENDORSEMENT,
        request.level,
        source=f"endorsement:{request.pk}",
        note=note[:500],
    )
    _notify(
        request.organisation,
        request.requester,
        "accepted",
        _("%(name)s endorsed your skill") % {"name": name},
        request.skill.label,
    )
    return row


@transaction.atomic
def endorsement_decline(*, request: EndorsementRequest, actor: Any) -> EndorsementRequest:
    _open_request(request, actor)
    request.status = EndorsementStatus.DECLINED
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    return request


@transaction.atomic
def endorsement_ask_detail(
    *, request: EndorsementRequest, actor: Any, question: str
) -> EndorsementRequest:
    """The colleague asks for more detail: the learner is told; the request stays open."""
    _open_request(request, actor)
    question = question.strip()[:500]
    if not question:
        raise ApplicationError("question", _("Write what you would like to know."), "question")
    request.status = EndorsementStatus.DETAIL
    request.response = question
    request.save(update_fields=["status", "response"])
    name = actor.display_name or actor.email
    _notify(
        request.organisation,
        request.requester,
        "feedback",
        _("%(name)s asks for detail before endorsing") % {"name": name},
        f"{request.skill.label}: {question}",
    )
    return request


def requests_to(*, organisation: Organisation, user: Any) -> list[EndorsementRequest]:
    return list(
        EndorsementRequest.objects.filter(organisation=organisation, endorser=user)
        .select_related("requester", "skill")
        .order_by("-id")[:100]
    )


def requests_from(*, organisation: Organisation, user: Any) -> list[EndorsementRequest]:
    return list(
        EndorsementRequest.objects.filter(organisation=organisation, requester=user)
        .select_related("endorser", "skill")
        .order_by("-id")[:100]
    )


def request_get(*, organisation: Organisation, request_id: Any) -> EndorsementRequest | None:
    if not str(request_id).isdigit():
        return None
    return (
        EndorsementRequest.objects.filter(organisation=organisation, pk=request_id)
        .select_related("requester", "endorser", "skill", "organisation")
        .first()
    )


# --------------------------------------------------------------------------- visibility


def visibility_set(
    *, organisation: Organisation, user: Any, skill: Skill, visibility: str
) -> SkillVisibility:
    try:
        chosen = Visibility(visibility)
    except ValueError as exc:
        raise ApplicationError("visibility", _("Choose who may see it."), "visibility") from exc
    row, _created = SkillVisibility.objects.update_or_create(
        organisation=organisation,
        user=user,
        skill=_skill(organisation, skill),
        defaults={"visibility": chosen.value},
    )
    if chosen is Visibility.PUBLIC:  # the public skills page gets its stable address
        PublicSkillsPage.objects.get_or_create(user_id=user.pk)
    return row


def visibilities_of(
    *, organisation: Organisation, user_ids: list[int]
) -> dict[tuple[int, int], str]:
    """{(user id, skill id): visibility} for the rows set (absent: private)."""
    rows = SkillVisibility.objects.filter(organisation=organisation, user_id__in=user_ids)
    return {(uid, sid): v for uid, sid, v in rows.values_list("user_id", "skill_id", "visibility")}


def visible(
    table: dict[tuple[int, int], str], *, user_id: int, skill_id: int, viewer: Viewer
) -> bool:
    return can_see(table.get((user_id, skill_id), DEFAULT.value), viewer)


def matrix_masked(matrix: Any, *, organisation: Organisation, viewer: Any) -> Any:
    """The team matrix with the cells its people keep from their managers shown as not held
    (the page is for managers of the people shown, and administrators)."""
    from dataclasses import replace

    from microcred_web.skills.selectors import Matrix

    table = visibilities_of(organisation=organisation, user_ids=[u.pk for u, _c in matrix.rows])
    rows = []
    for user, cells in matrix.rows:
        if user.pk != viewer.pk:
            cells = [
                cell
                if visible(table, user_id=user.pk, skill_id=skill.pk, viewer=Viewer.MANAGER)
                else replace(cell, level=0, verified=False, lapsed=False)
                for skill, cell in zip(matrix.skills, cells, strict=True)
            ]
        rows.append((user, cells))
    return Matrix(matrix.skills, rows)


def profiles_masked(
    profiles: dict[int, dict[int, Any]], *, organisation: Organisation, viewer: Any
) -> dict[int, dict[int, Any]]:
    """``profiles_of`` output keeping, for people other than ``viewer``, only the skills they
    show to their managers (for pages managers see about their teams)."""
    table = visibilities_of(organisation=organisation, user_ids=list(profiles))
    return {
        uid: skills
        if uid == viewer.pk
        else {
            sid: state
            for sid, state in skills.items()
            if visible(table, user_id=uid, skill_id=sid, viewer=Viewer.MANAGER)
        }
        for uid, skills in profiles.items()
    }
