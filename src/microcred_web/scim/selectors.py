"""Reads for the SCIM endpoint, always within one organisation."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db.models import Q, QuerySet

from microcred_web.orgs.models import Organisation, Team
from microcred_web.scim.models import ScimPerson, ScimToken


def people(*, organisation: Organisation) -> QuerySet[ScimPerson]:
    """The organisation's provisioned people (a SCIM DELETE hides a person)."""
    return (
        ScimPerson.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .select_related("membership", "manager")
        .prefetch_related("emails")
        .order_by("created_at", "id")
    )


def person_get(*, organisation: Organisation, public_id: str) -> ScimPerson | None:
    try:
        wanted = uuid.UUID(public_id)
    except ValueError:
        return None
    return people(organisation=organisation).filter(public_id=wanted).first()


def people_page(
    *, organisation: Organisation, where: Q, start: int, count: int
) -> tuple[int, list[ScimPerson]]:
    matching = people(organisation=organisation).filter(where)
    return matching.count(), list(matching[start - 1 : start - 1 + count]) if count else []


def teams(*, organisation: Organisation) -> QuerySet[Team]:
    return (
        Team.objects.filter(organisation=organisation)
        .select_related("scim_group")
        .order_by("created_at", "id")
    )


def team_get(*, organisation: Organisation, team_id: str) -> Team | None:
    if not team_id.isdigit():
        return None
    return teams(organisation=organisation).filter(pk=int(team_id)).first()


def teams_page(
    *, organisation: Organisation, where: Q, start: int, count: int
) -> tuple[int, list[Team]]:
    matching = teams(organisation=organisation).filter(where)
    return matching.count(), list(matching[start - 1 : start - 1 + count]) if count else []


def team_members(*, team_ids: list[int]) -> dict[int, list[ScimPerson]]:
    """The provisioned people in each team (one query for a whole page of teams)."""
    through = Team.members.through
    links = through.objects.filter(
        team_id__in=team_ids,
        membership__scim_person__isnull=False,
        membership__scim_person__deleted_at__isnull=True,
    ).values_list("team_id", "membership__scim_person")
    person_ids = {pid for _t, pid in links}
    found = ScimPerson.objects.in_bulk(person_ids)
    members: dict[int, list[ScimPerson]] = defaultdict(list)
    for team_id, person_id in links:
        members[team_id].append(found[person_id])
    for listed in members.values():
        listed.sort(key=lambda p: p.pk)
    return members


def tokens(*, organisation: Organisation) -> QuerySet[ScimToken]:
    return ScimToken.objects.filter(organisation=organisation).select_related("created_by")


def person_lock(*, person_id: int) -> None:
    """Hold the person's row until the transaction ends (PATCH reads, then writes)."""
    list(ScimPerson.objects.select_for_update().filter(pk=person_id).values_list("pk"))


def team_lock(*, team_id: int) -> None:
    list(Team.objects.select_for_update().filter(pk=team_id).values_list("pk"))
