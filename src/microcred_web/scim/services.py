"""Writes made by a SCIM client. Each runs in one transaction: a request that fails leaves
nothing half-written. People are never deleted: SCIM DELETE and ``active: false`` deactivate
the membership, so credentials, evidence and history stay (docs/decisions/0041)."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation, Team
from microcred_web.orgs.services_provisioning import (
    account_provision,
    account_rename,
    membership_active_set,
    membership_provision,
    team_members_sync,
    team_provision,
    team_remove,
)
from microcred_web.scim.errors import ScimError, invalid_value
from microcred_web.scim.models import ScimEmail, ScimGroup, ScimPerson
from microcred_web.scim.resources import GroupData, UserData

VIA = "scim"


def _uniqueness(detail: str) -> ScimError:
    return ScimError(409, detail, "uniqueness")


def _from_application_error(exc: ApplicationError) -> ScimError:
    if exc.code == "team_name_taken":
        return _uniqueness(f"'displayName': {exc.message}")
    if exc.code == "email_taken":
        return _uniqueness(f"'emails': {exc.message}")
    if exc.code == "last_admin":
        return ScimError(400, exc.message, "mutability")
    return invalid_value(f"'{exc.field}': {exc.message}" if exc.field else exc.message)


def _user_name_key(user_name: str) -> str:
    return user_name.strip().casefold()


@transaction.atomic
def user_create(*, organisation: Organisation, data: UserData) -> ScimPerson:
    """Provision a person: a new account, or an existing one (matched by e-mail address)
    joining the organisation; a person removed by an earlier DELETE comes back."""
    try:
        return _user_create(organisation, data)
    except ApplicationError as exc:
        raise _from_application_error(exc) from exc


def _user_create(organisation: Organisation, data: UserData) -> ScimPerson:
    same_name = ScimPerson.objects.filter(
        organisation=organisation, user_name_key=_user_name_key(data.user_name)
    ).first()
    if same_name is not None and same_name.deleted_at is None:
        raise _uniqueness(f"'userName' {data.user_name!r} is already provisioned.")
    email = data.sign_in_email
    user = User.objects.filter(email__iexact=email).first()
    if same_name is not None:
        return _person_write(same_name, data)
    if user is not None:
        known = ScimPerson.objects.filter(organisation=organisation, membership__user=user).first()
        if known is not None and known.deleted_at is None:
            raise _uniqueness(
                f"'emails': {email} is already provisioned as userName {known.user_name!r}."
            )
        if known is not None:
            return _person_write(known, data)
    owns_account = user is None
    if user is None:
        user = account_provision(
            organisation=organisation, email=email, display_name=_display_name(data), via=VIA
        )
    membership, _created = membership_provision(
        organisation=organisation, user=user, active=data.active, via=VIA
    )
    person = ScimPerson(organisation=organisation, membership=membership, owns_account=owns_account)
    return _person_write(person, data)


def _display_name(data: UserData) -> str:
    joined = f"{data.given_name} {data.family_name}".strip()
    return (data.display_name or joined)[:150]


def _manager(person: ScimPerson, manager_id: str) -> ScimPerson | None:
    if not manager_id:
        return None
    try:
        wanted = uuid.UUID(manager_id)
    except ValueError:
        raise invalid_value(f"'manager.value': no other User has the id {manager_id!r}.") from None
    manager = ScimPerson.objects.filter(
        organisation_id=person.organisation_id, public_id=wanted, deleted_at__isnull=True
    ).first()
    if manager is None or (manager.pk == person.pk and person.pk is not None):
        raise invalid_value(f"'manager.value': no other User has the id {manager_id!r}.")
    return manager


def _account_sync(person: ScimPerson, data: UserData) -> None:
    """An account SCIM created follows the SCIM data; an account the person brought keeps
    its own address and name (they may belong to other organisations too)."""
    if not person.owns_account:
        return
    account_rename(
        user=person.membership.user, email=data.sign_in_email, display_name=_display_name(data)
    )


def _person_write(person: ScimPerson, data: UserData) -> ScimPerson:
    key = _user_name_key(data.user_name)
    clash = ScimPerson.objects.filter(organisation_id=person.organisation_id, user_name_key=key)
    if person.pk is not None:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise _uniqueness(f"'userName' {data.user_name!r} is already provisioned.")
    person.manager = _manager(person, data.manager_id)
    person.user_name = data.user_name
    person.user_name_key = key
    person.external_id = data.external_id
    person.given_name = data.given_name
    person.family_name = data.family_name
    person.display_name = data.display_name
    person.employee_number = data.employee_number
    person.department = data.department
    revived = person.deleted_at is not None
    person.deleted_at = None
    _account_sync(person, data)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent request took the userName
        raise _uniqueness(f"'userName' {data.user_name!r} is already provisioned.") from exc
    ScimEmail.objects.filter(person=person).delete()
    ScimEmail.objects.bulk_create(
        [
            ScimEmail(person=person, value=e.value, type=e.type, primary=e.primary)
            for e in data.emails
        ]
    )
    membership_active_set(membership=person.membership, active=data.active, via=VIA)
    if revived:
        audit_record(
            action="scim.person_restored",
            organisation=person.organisation,
            target=person.membership,
            data={"userName": person.user_name},
        )
    return person


@transaction.atomic
def user_replace(*, person: ScimPerson, data: UserData) -> ScimPerson:
    try:
        return _person_write(person, data)
    except ApplicationError as exc:
        raise _from_application_error(exc) from exc


@transaction.atomic
def user_delete(*, person: ScimPerson) -> None:
    """Hide the person from SCIM and deactivate the membership; nothing is deleted."""
    try:
        membership_active_set(membership=person.membership, active=False, via=VIA)
    except ApplicationError as exc:
        raise _from_application_error(exc) from exc
    person.deleted_at = timezone.now()
    person.save(update_fields=["deleted_at", "updated_at"])
    audit_record(
        action="scim.person_removed",
        organisation=person.organisation,
        target=person.membership,
        data={"userName": person.user_name},
    )


def _group_write(team: Team, data: GroupData) -> Team:
    wanted: list[uuid.UUID] = []
    for member_id in data.member_ids:
        try:
            wanted.append(uuid.UUID(member_id))
        except ValueError as exc:
            raise invalid_value(f"'members': no User has the id {member_id!r}.") from exc
    found = {
        p.public_id: p
        for p in ScimPerson.objects.filter(
            organisation_id=team.organisation_id, public_id__in=wanted, deleted_at__isnull=True
        ).select_related("membership")
    }
    missing = [str(w) for w in wanted if w not in found]
    if missing:
        raise invalid_value(f"'members': no User has the id {missing[0]!r}.")
    team_members_sync(
        team=team,
        memberships=[found[w].membership for w in wanted],
        managed=team.members.filter(
            scim_person__isnull=False, scim_person__deleted_at__isnull=True
        ),
        via=VIA,
    )
    scim_group, _created = ScimGroup.objects.get_or_create(team=team)
    scim_group.external_id = data.external_id
    scim_group.save()
    team.scim_group = scim_group
    return team


@transaction.atomic
def group_create(*, organisation: Organisation, data: GroupData) -> Team:
    try:
        team = team_provision(organisation=organisation, name=data.display_name, via=VIA)
        return _group_write(team, data)
    except ApplicationError as exc:
        raise _from_application_error(exc) from exc


@transaction.atomic
def group_replace(*, team: Team, data: GroupData) -> Team:
    try:
        team_provision(organisation=team.organisation, name=data.display_name, via=VIA, team=team)
        return _group_write(team, data)
    except ApplicationError as exc:
        raise _from_application_error(exc) from exc


@transaction.atomic
def group_delete(*, team: Team) -> None:
    """The team goes; its people stay (with their credentials)."""
    team_remove(team=team, via=VIA)
