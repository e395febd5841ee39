"""The demo organisation's SCIM set-up: a token its HR system "used" an hour ago, and the
Warehouse Operations people as that system provisioned them (employee numbers, department,
manager, the team's externalId). Loading it twice changes nothing."""

from __future__ import annotations

import os
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred_web.common.hashing import token_hash
from microcred_web.orgs.models import Membership, Organisation, Team
from microcred_web.scim.models import ScimEmail, ScimGroup, ScimPerson, ScimToken

DEMO_TOKEN_NAME = "Workday HR (demo)"  # noqa: S105 - a label
#: like the demo password: a documented value for the demo organisation only (so the curl
#: lines of docs/scim.md run as written); DEMO_SCIM_TOKEN overrides it
DEMO_TOKEN = "mcscim_northwind-demo-hr-system-token"  # noqa: S105 - demo only


def demo_token() -> str:
    value = os.environ.get("DEMO_SCIM_TOKEN") or DEMO_TOKEN
    return value if value.startswith("mcscim_") else "mcscim_" + value


MANAGER_EMAIL = "manager@northwind.example"
PEOPLE = (
    ("manager@northwind.example", "NW-1001"),
    ("learner@northwind.example", "NW-1042"),
    ("bjorn.andersson@northwind.example", "NW-1043"),
    ("lukasz.kowalski@northwind.example", "NW-1044"),
    ("soren.kristensen@northwind.example", "NW-1045"),
)


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    _token(organisation)
    people = _people(organisation)
    team = Team.objects.filter(organisation=organisation, name="Warehouse Operations").first()
    if team is not None:
        ScimGroup.objects.get_or_create(team=team, defaults={"external_id": "WD-ORG-WH"})
    return {"SCIM tokens": 1, "SCIM-provisioned people": people}


def _token(organisation: Organisation) -> None:
    if ScimToken.objects.filter(organisation=organisation, name=DEMO_TOKEN_NAME).exists():
        return
    admin = (
        Membership.objects.filter(organisation=organisation, user__email="admin@northwind.example")
        .select_related("user")
        .first()
    )
    ScimToken.objects.create(
        organisation=organisation,
        name=DEMO_TOKEN_NAME,
        token_hash=token_hash(demo_token()),
        prefix=demo_token()[:11],
        created_by=admin.user if admin else None,
        last_used_at=timezone.now() - timedelta(hours=1),
    )


def _people(organisation: Organisation) -> int:
    manager: ScimPerson | None = None
    for email, number in PEOPLE:
        membership = (
            Membership.objects.filter(organisation=organisation, user__email=email)
            .select_related("user")
            .first()
        )
        if membership is None:
            continue
        person = ScimPerson.objects.filter(membership=membership).first()
        if person is None:
            given, _sep, family = membership.user.display_name.partition(" ")
            person = ScimPerson.objects.create(
                organisation=organisation,
                membership=membership,
                user_name=email,
                user_name_key=email.casefold(),
                external_id=f"wd-{number.lower()}",
                given_name=given,
                family_name=family,
                display_name=membership.user.display_name,
                employee_number=number,
                department="Warehouse Operations",
                manager=manager if email != MANAGER_EMAIL else None,
            )
            ScimEmail.objects.create(person=person, value=email, type="work", primary=True)
        if email == MANAGER_EMAIL:
            manager = person
    return ScimPerson.objects.filter(organisation=organisation).count()
