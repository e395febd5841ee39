"""The demo company: Northwind Logistics, its people and teams (used by load_demo/serve_demo)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

from microcred_web.accounts.models import User
from microcred_web.orgs import services
from microcred_web.orgs.models import Membership, Organisation, Role, Team

# It is a demo: the password is public and documented. Override with DEMO_PASSWORD.
DEFAULT_DEMO_PASSWORD = "northwind-demo-2025"  # noqa: S105 - a public demo password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    roles: tuple[str, ...]
    language: str = ""
    team: str = ""
    manages: str = ""


ORGANISATIONS = (
    {
        "slug": "northwind",
        "name": "Northwind Logistics",
        "country": "GB",
        "default_language": "en",
        "primary_colour": "#14506e",
        "accent_colour": "#f2a900",
    },
    {
        "slug": "contoso",
        "name": "Contoso Freight",
        "country": "FR",
        "default_language": "fr",
        "primary_colour": "#7a1f3d",
        "accent_colour": "#ffd166",
    },
)

WAREHOUSE = "Warehouse Operations"
CUSTOMER = "Customer Care"

PEOPLE = (
    DemoPerson("Amélie Laurent", "admin@northwind.example", (Role.ADMIN,)),
    DemoPerson("Jonas Müller", "issuer@northwind.example", (Role.ISSUER,)),
    DemoPerson("Siobhán O'Connor", "assessor@northwind.example", (Role.ASSESSOR,)),
    DemoPerson("Rafael Núñez", "manager@northwind.example", (Role.MANAGER,), manages=WAREHOUSE),
    DemoPerson("Zoë Dubois", "learner@northwind.example", (Role.LEARNER,), team=WAREHOUSE),
    DemoPerson(
        "Björn Andersson", "bjorn.andersson@northwind.example", (Role.LEARNER,), team=WAREHOUSE
    ),
    DemoPerson(
        "Łukasz Kowalski", "lukasz.kowalski@northwind.example", (Role.LEARNER,), team=WAREHOUSE
    ),
    DemoPerson(
        "Søren Kristensen", "soren.kristensen@northwind.example", (Role.LEARNER,), team=WAREHOUSE
    ),
    DemoPerson("Mehmet Yılmaz", "mehmet.yilmaz@northwind.example", (Role.LEARNER,), team=WAREHOUSE),
    DemoPerson("Thảo Nguyễn", "thao.nguyen@northwind.example", (Role.LEARNER,), team=WAREHOUSE),
    DemoPerson("Inès Benali", "ines.benali@northwind.example", (Role.LEARNER,), team=CUSTOMER),
    DemoPerson("Chloé Martin", "chloe.martin@northwind.example", (Role.LEARNER,), team=CUSTOMER),
    DemoPerson(
        "María José García", "mariajose.garcia@northwind.example", (Role.LEARNER,), team=CUSTOMER
    ),
    DemoPerson(
        "Dagný Jónsdóttir", "dagny.jonsdottir@northwind.example", (Role.LEARNER,), team=CUSTOMER
    ),
    DemoPerson("Aoife Byrne", "aoife.byrne@northwind.example", (Role.LEARNER,), team=CUSTOMER),
    DemoPerson(
        "François Lefèvre", "francois.lefevre@northwind.example", (Role.LEARNER,), "fr", CUSTOMER
    ),
)

# One learner also belongs to a second organisation (and sees the organisation switcher).
SECOND_ORG_MEMBERS = (("ines.benali@northwind.example", (Role.LEARNER,)),)
SECOND_ORG_ADMIN = DemoPerson("Camille Rousseau", "admin@contoso.example", (Role.ADMIN,), "fr")

# Runs the instance (operator console at /operator/); a member of no organisation.
DEMO_OPERATOR = DemoPerson("Olu Okafor", "operator@microcred.example", ())

DEMO_SIGN_INS = (
    ("admin", "admin@northwind.example"),
    ("issuer", "issuer@northwind.example"),
    ("assessor", "assessor@northwind.example"),
    ("manager", "manager@northwind.example"),
    ("learner", "learner@northwind.example"),
    ("learner in two organisations", "ines.benali@northwind.example"),
    ("instance operator", DEMO_OPERATOR.email),
)


def _organisation(spec: dict[str, str]) -> Organisation:
    existing = Organisation.objects.filter(slug=spec["slug"]).first()
    return existing or services.organisation_create(
        name=spec["name"],
        slug=spec["slug"],
        country=spec["country"],
        default_language=spec["default_language"],
        primary_colour=spec["primary_colour"],
        accent_colour=spec["accent_colour"],
    )


def _user(person: DemoPerson, password: str) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email,
            password,
            display_name=person.name,
            preferred_language=person.language,
        )
    return user


def _join(organisation: Organisation, user: User, roles: tuple[str, ...]) -> Membership:
    existing = Membership.objects.filter(organisation=organisation, user=user).first()
    if existing is not None:
        return existing
    return services.membership_add(organisation=organisation, user=user, roles=roles)


def _team(organisation: Organisation, name: str) -> Team:
    existing = Team.objects.filter(organisation=organisation, name=name).first()
    return existing or services.team_create(organisation=organisation, name=name)


#: Demo content of higher layers (achievements, credentials), by dotted path so this layer
#: does not import them; each is a function returning counts, called after the people exist.
DEMO_CONTENT = (
    ("microcred_web.issuing", "microcred_web.issuing.demo.demo_content_load"),
    ("microcred_web.learning", "microcred_web.learning.demo.demo_content_load"),
    ("microcred_web.awards", "microcred_web.awards.demo.demo_content_load"),
    ("microcred_web.assessments", "microcred_web.assessments.demo.demo_content_load"),
    ("microcred_web.skills", "microcred_web.skills.demo.demo_content_load"),
    ("microcred_web.pathways", "microcred_web.pathways.demo.demo_content_load"),
    ("microcred_web.skills", "microcred_web.skills.demo_paths.demo_content_load"),
    ("microcred_web.skills", "microcred_web.skills.demo_assessed.demo_content_load"),
    ("microcred_web.skills", "microcred_web.skills.demo_crosswalks.demo_content_load"),
    ("microcred_web.oauth", "microcred_web.oauth.demo.demo_content_load"),
    ("microcred_web.webhooks", "microcred_web.webhooks.demo.demo_content_load"),
    ("microcred_web.sso", "microcred_web.sso.demo.demo_content_load"),
    ("microcred_web.wallet_protocols", "microcred_web.wallet_protocols.demo.demo_content_load"),
    ("microcred_web.scim", "microcred_web.scim.demo.demo_content_load"),
    ("microcred_web.lti", "microcred_web.lti.demo.demo_content_load"),
    ("microcred_web.reports", "microcred_web.reports.demo.demo_content_load"),
    ("microcred_web.ob3client", "microcred_web.ob3client.demo.demo_content_load"),
    ("microcred_web.transparency", "microcred_web.transparency.demo.demo_content_load"),
    ("microcred_web.trustlists", "microcred_web.trustlists.demo.demo_content_load"),
    ("microcred_web.mfa", "microcred_web.mfa.demo.demo_content_load"),
    ("microcred_web.xapi", "microcred_web.xapi.demo.demo_content_load"),
    ("microcred_web.calendars", "microcred_web.calendars.demo.demo_content_load"),
)


def demo_load() -> dict[str, int]:
    """Create (or complete) the demo data. Safe to run any number of times."""
    counts = _people_load()
    for app, loader in DEMO_CONTENT:
        if apps.is_installed(app):
            counts.update(import_string(loader)())
    return counts


@transaction.atomic
def _people_load() -> dict[str, int]:
    password = demo_password()
    northwind, contoso = (_organisation(spec) for spec in ORGANISATIONS)
    teams = {name: _team(northwind, name) for name in (WAREHOUSE, CUSTOMER)}
    for person in PEOPLE:
        membership = _join(northwind, _user(person, password), person.roles)
        if person.team:
            teams[person.team].members.add(membership)
        if person.manages:
            teams[person.manages].managers.add(membership)
    _join(contoso, _user(SECOND_ORG_ADMIN, password), SECOND_ORG_ADMIN.roles)
    for email, roles in SECOND_ORG_MEMBERS:
        _join(contoso, User.objects.get(email=email), roles)
    operator = _user(DEMO_OPERATOR, password)
    if not operator.is_operator:
        operator.is_operator = True
        operator.save(update_fields=["is_operator"])
    return {
        "organisations": Organisation.objects.filter(slug__in=["northwind", "contoso"]).count(),
        "people": Membership.objects.filter(organisation=northwind).count(),
    }
