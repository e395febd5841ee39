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


@pytest.fixture(autouse=True)
def _language_reset():
    """A test that activates a language (an e-mail, a view outside a request) leaves none behind."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _recommendation_catalogues_forgotten():
    """Each test's database reuses ids: a catalogue cached by organisation id must not leak."""
    from microcred_web.skills import recommending

    recommending.catalogues_forget()
    yield
    recommending.catalogues_forget()


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


@pytest.fixture
def make_pre_0019() -> Callable[..., object]:
    """Turns a freshly issued credential into one as issued before decision 0019: a one-bit
    revocation entry in its credentialStatus (re-signed by the organisation's key), a
    revocation list index and a suspension list index (``index``, ``index + 1``)."""
    import json

    from microcred.status import BitstringStatusList, status_entry
    from microcred.suites import eddsa_rdfc_2022
    from microcred_web.issuing.models import StatusList, StatusPurpose
    from microcred_web.issuing.signing import signing_key_for
    from microcred_web.issuing.status_lists import list_url

    def make(credential, index: int = 77):
        organisation = credential.organisation
        lists = {}
        for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
            lists[purpose], _new = StatusList.objects.get_or_create(
                organisation=organisation,
                purpose=purpose,
                number=1,
                defaults={"encoded_list": BitstringStatusList().encode()},
            )
        document = credential.document
        document.pop("proof")
        document["credentialStatus"] = status_entry(
            list_credential_url=list_url(lists[StatusPurpose.REVOCATION]),
            index=index,
            purpose="revocation",
        )
        _key, pair = signing_key_for(organisation=organisation)
        signed = eddsa_rdfc_2022.sign(document, pair, created=credential.issued_at)
        credential.signed_json = json.dumps(signed)
        credential.revocation_list = lists[StatusPurpose.REVOCATION]
        credential.revocation_status_index = index
        credential.suspension_list = lists[StatusPurpose.SUSPENSION]
        credential.suspension_status_index = index + 1
        credential.save()
        return credential

    return make


@pytest.fixture
def branded_email() -> Callable[..., str]:
    """Checks one sent message against the e-mail layout; returns its button URL."""
    import re
    from urllib.parse import urlsplit

    from django.conf import settings

    def check(
        message,
        *,
        greeting: str,
        button_path: str,
        organisation: Organisation | None,
        essential: bool,
        preferences: bool,
        badge: bool = False,
        language: str = "en",
    ) -> str:
        html_parts = [body for body, kind in message.alternatives if kind == "text/html"]
        assert len(html_parts) == 1, "one HTML alternative"
        html, text = html_parts[0], message.body
        assert text.strip() and "<" not in text.split("\n")[0], "a plain-text part"
        assert f'<html lang="{language}">' in html
        assert greeting in text and greeting in html
        found = re.search(r'id="email-button" href="([^"]+)"', html)
        assert found is not None, "one button"
        button = found.group(1)
        assert button.startswith(settings.BASE_URL + "/"), "absolute URL"
        assert urlsplit(button).path.startswith(button_path), button
        assert button in text
        if organisation is not None:
            assert organisation.name in text and organisation.name in html
            assert organisation.primary_colour in html
            if organisation.logo:
                assert f"{settings.BASE_URL}/o/{organisation.slug}/issuer/logo" in html
        preference_link = (
            f"/o/{organisation.slug}/notifications/preferences/" if organisation else "/prefs/"
        )
        assert (preference_link in html and preference_link in text) == preferences
        headers = message.extra_headers
        assert ("List-Unsubscribe" in headers) == (not essential)
        if not essential:
            assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            unsubscribe = headers["List-Unsubscribe"].strip("<>")
            assert unsubscribe.startswith(settings.BASE_URL + "/notifications/unsubscribe/")
            assert unsubscribe in html and unsubscribe in text
        assert ('id="email-badge"' in html) == badge
        return button

    return check
