from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest

from counterparts.wallet import Wallet
from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential


@pytest.fixture
def site(settings, live_server) -> str:
    """The live server, whose address is also the site's published address (BASE_URL), set
    before anything is issued so the issuer's did:web names it."""
    settings.BASE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture
def issue(site, world) -> Callable[..., Credential]:
    """Issue a credential of a new achievement to ``user`` (default: the world's learner)."""

    def make(user=None, organisation=None, name: str = "Forklift safety") -> Credential:
        organisation = organisation or world.org
        user = user or world.people["learner"]
        admin = world.people["admin"] if organisation == world.org else world.others["admin"]
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=admin,
            values={"name": name, "description": "Drives safely.", "criteria": "Passed."},
        )
        version = achievement_services.achievement_publish(achievement=achievement, actor=admin)
        (credential,) = issuing.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[issuing.RecipientInput(email=user.email, name="Lea Learner")],
            actor=admin,
            source="ui",
            deliver=False,
        )
        issuing.credential_claim(credential=credential, user=user)
        credential.refresh_from_db()
        return credential

    return make


@pytest.fixture
def wallet(site) -> Iterator[Wallet]:
    holder = Wallet(site)
    yield holder
    # keep-alive connections hold a server thread, and its database connection, open: closing
    # them lets PostgreSQL drop the test database
    holder.http.close()


def link_in(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}" href="([^"]+)"', page)
    assert found is not None, element_id
    return html.unescape(found.group(1))


def tx_code_in(page: str) -> str:
    found = re.search(r'id="tx-code" class="mono">(\d+)<', page)
    assert found is not None
    return found.group(1)
