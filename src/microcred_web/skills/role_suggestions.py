"""Career steps suggested from ESCO (issue 17 item 7, decision 0031): roles made
from ESCO occupations are related when they share essential skills (core
:func:`microcred.skills.related.related_roles`); each related pair an administrator has not
linked becomes a *suggested* step, shown apart from administrators' links, that an
administrator accepts (a real :class:`RoleLink`) or hides."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from microcred.skills.related import related_roles
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import JobRole, JobRoleSkill, RoleLink, SuggestedRoleLink
from microcred_web.skills.recommend_services import role_link_add

ESSENTIAL_WEIGHT = 2  # the importer's weight for an occupation's essential skills
TOP_K = 3  # related roles kept per role
THRESHOLD = 0.2  # least Jaccard index of their essential skills
MIN_SHARED = 3  # least essential skills in common


def essentials_of(*, organisation: Organisation) -> dict[str, set[str]]:
    """{role id: essential skill ids} of the roles made from ESCO occupations (one query)."""
    rows = JobRoleSkill.objects.filter(
        role__organisation=organisation,
        weight__gte=ESSENTIAL_WEIGHT,
    ).exclude(role__occupation_uri="")
    out: dict[str, set[str]] = {}
    for role_id, skill_id in rows.values_list("role_id", "skill_id"):
        out.setdefault(str(role_id), set()).add(str(skill_id))
    return out


def _linked(organisation: Organisation) -> set[tuple[int, int]]:
    return set(
        RoleLink.objects.filter(organisation=organisation).values_list("source_id", "target_id")
    )


@transaction.atomic
def role_links_seed(*, organisation: Organisation, actor: Any = None) -> int:
    """(Re)compute the suggestions: new pairs are added, scores refreshed, pairs no longer
    related dropped; hidden ones stay hidden, linked pairs are never suggested. Returns how
    many are shown."""
    found = related_roles(
        essentials_of(organisation=organisation),
        top_k=TOP_K,
        threshold=THRESHOLD,
        min_shared=MIN_SHARED,
    )
    linked = _linked(organisation)
    existing = {
        (row.source_id, row.target_id): row
        for row in SuggestedRoleLink.objects.filter(organisation=organisation)
    }
    keep: set[tuple[int, int]] = set()
    for related in found:
        pair = (int(related.source), int(related.target))
        if pair in linked:
            continue
        keep.add(pair)
        row = existing.get(pair)
        if row is None:
            SuggestedRoleLink.objects.create(
                organisation=organisation,
                source_id=pair[0],
                target_id=pair[1],
                shared=related.shared,
                score=related.score,
            )
        elif (row.shared, row.score) != (related.shared, related.score):
            row.shared, row.score = related.shared, related.score
            row.save(update_fields=["shared", "score", "updated_at"])
    stale = [row.pk for pair, row in existing.items() if pair not in keep and not row.hidden]
    SuggestedRoleLink.objects.filter(pk__in=stale).delete()
    shown = SuggestedRoleLink.objects.filter(organisation=organisation, hidden=False).count()
    if actor is not None:
        audit_record(
            action="skills.role_links_seeded",
            actor=actor,
            organisation=organisation,
            target=organisation,
            data={"suggested": shown},
        )
    return shown


def suggestions_of(
    *, organisation: Organisation, source: JobRole | None = None
) -> list[SuggestedRoleLink]:
    """The suggestions shown (not hidden, not already linked), best first per role."""
    rows = SuggestedRoleLink.objects.filter(organisation=organisation, hidden=False)
    if source is not None:
        rows = rows.filter(source=source)
    linked = _linked(organisation)
    return [
        row
        for row in rows.select_related("source", "target")
        if (row.source_id, row.target_id) not in linked
    ]


def suggestion_get(*, organisation: Organisation, suggestion_id: Any) -> SuggestedRoleLink | None:
    if not str(suggestion_id).isdigit():
        return None
    return (
        SuggestedRoleLink.objects.filter(organisation=organisation, pk=suggestion_id)
        .select_related("source", "target")
        .first()
    )


def reason(row: SuggestedRoleLink) -> str:
    return ngettext(
        "Seeded from ESCO: shares %(count)d essential skill",
        "Seeded from ESCO: shares %(count)d essential skills",
        row.shared,
    ) % {"count": row.shared}


def _own(organisation: Organisation, row: SuggestedRoleLink) -> None:
    if row.organisation_id != organisation.pk:
        raise ApplicationError("suggestion", "Unknown suggestion.", "suggestion", 404)


@transaction.atomic
def suggestion_accept(
    *, organisation: Organisation, actor: Any, suggestion: SuggestedRoleLink
) -> RoleLink:
    """The suggested step becomes an administrator's link; the suggestion goes."""
    _own(organisation, suggestion)
    link = role_link_add(
        organisation=organisation, actor=actor, source=suggestion.source, target=suggestion.target
    )
    audit_record(
        action="skills.role_link_suggestion_accepted",
        actor=actor,
        organisation=organisation,
        target=link,
        data={"from": suggestion.source.name, "to": suggestion.target.name},
    )
    suggestion.delete()
    return link


@transaction.atomic
def suggestion_hide(
    *, organisation: Organisation, actor: Any, suggestion: SuggestedRoleLink
) -> None:
    """Not shown again (a later seeding keeps it hidden)."""
    _own(organisation, suggestion)
    suggestion.hidden = True
    suggestion.save(update_fields=["hidden", "updated_at"])
    audit_record(
        action="skills.role_link_suggestion_hidden",
        actor=actor,
        organisation=organisation,
        target=suggestion,
        data={"from": suggestion.source.name, "to": suggestion.target.name},
    )
