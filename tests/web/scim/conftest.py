"""An organisation with a SCIM token (and a second organisation with its own)."""

from __future__ import annotations

import pytest
from tests.web.scim.scim_client import ScimClient

from microcred_web.orgs.models import Organisation
from microcred_web.scim.tokens import token_create


@pytest.fixture
def scim_org(make_org, make_member) -> Organisation:
    organisation = make_org("acme", "Acme Training")
    make_member(organisation, "admin", email="admin@acme.example")
    return organisation


@pytest.fixture
def scim(client, scim_org) -> ScimClient:
    _token, secret = token_create(organisation=scim_org, name="HR system", actor=None)
    return ScimClient(client, secret, scim_org)


@pytest.fixture
def other_scim(client, make_org, make_member) -> ScimClient:
    organisation = make_org("globex", "Globex")
    make_member(organisation, "admin", email="admin@globex.example")
    _token, secret = token_create(organisation=organisation, name="Globex IdP", actor=None)
    return ScimClient(client, secret, organisation)
