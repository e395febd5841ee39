from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from microcred_web.accounts.models import User
from microcred_web.orgs import services
from microcred_web.orgs.models import Membership, Organisation, Team

PASSWORD = "correct-horse-battery-9"
ROLES = ("learner", "manager", "assessor", "issuer", "admin")
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
_counter = itertools.count(1)


@pytest.fixture
def password() -> str:
    """The password every person made by these fixtures has."""
    return PASSWORD


@pytest.fixture
def png_bytes() -> bytes:
    """A valid 1×1 PNG."""
    return PNG_BYTES


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    def make(slug: str | None = None, name: str | None = None) -> Organisation:
        number = next(_counter)
        return services.organisation_create(
            name=name or f"Organisation {number}", slug=slug or f"org-{number}"
        )

    return make


@pytest.fixture
def make_member(db) -> Callable[..., User]:
    def make(
        organisation: Organisation,
        *roles: str,
        email: str | None = None,
        name: str = "Test Person",
    ) -> User:
        email = email or f"person{next(_counter)}@example.com"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, PASSWORD, display_name=name
        )
        services.membership_add(organisation=organisation, user=user, roles=roles or ("learner",))
        return user

    return make


@dataclass
class World:
    """Two organisations with one person per role in each, a team, an invitation, a logo."""

    org: Organisation
    other: Organisation
    people: dict[str, User]
    others: dict[str, User]
    membership: Membership
    team: Team
    invitation_id: int


@pytest.fixture
def world(make_org, make_member) -> World:
    org = make_org("acme", "Acme Training")
    other = make_org("globex", "Globex")
    people = {role: make_member(org, role, email=f"{role}@acme.example") for role in ROLES}
    others = {role: make_member(other, role, email=f"{role}@globex.example") for role in ROLES}
    learner_membership = Membership.objects.get(organisation=org, user=people["learner"])
    team = services.team_create(
        organisation=org,
        name="Depot",
        managers=[Membership.objects.get(organisation=org, user=people["manager"])],
        members=[learner_membership],
    )
    invitation, _token = services.invitation_create(
        organisation=org, email="new@acme.example", roles=["learner"], actor=people["admin"]
    )
    org.logo.save("acme.png", ContentFile(PNG_BYTES))
    return World(
        org=org,
        other=other,
        people=people,
        others=others,
        membership=learner_membership,
        team=team,
        invitation_id=invitation.pk,
    )
