"""Northwind shows a SCIM token (created, last used) and provisioned people; loading twice
changes nothing; the documented demo token answers SCIM requests for Northwind only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.accounts.models import User
from microcred_web.scim.demo import DEMO_TOKEN
from microcred_web.scim.models import ScimPerson, ScimToken

pytestmark = pytest.mark.django_db


def test_demo_token_page_and_provisioned_people(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    token = ScimToken.objects.get(organisation__slug="northwind")
    assert token.last_used_at is not None and token.created_by is not None
    assert ScimPerson.objects.filter(organisation__slug="northwind").count() == 5
    client.force_login(User.objects.get(email="admin@northwind.example"))
    page = client.get("/o/northwind/scim/").content.decode()
    assert "Workday HR (demo)" in page and token.prefix in page
    assert DEMO_TOKEN not in page  # never shown again
    assert "/o/northwind/scim/" in client.get("/o/northwind/").content.decode()  # in the menu
    client.logout()
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    answer = client.get(
        "/scim/v2/Users",
        {"filter": f'{enterprise}:employeeNumber eq "NW-1042"'},
        HTTP_AUTHORIZATION=f"Bearer {DEMO_TOKEN}",
    ).json()
    assert [r["userName"] for r in answer["Resources"]] == ["learner@northwind.example"]
    groups = client.get("/scim/v2/Groups", HTTP_AUTHORIZATION=f"Bearer {DEMO_TOKEN}").json()
    warehouse = next(g for g in groups["Resources"] if g["displayName"] == "Warehouse Operations")
    assert warehouse["externalId"] == "WD-ORG-WH" and len(warehouse["members"]) == 4
    assert all("contoso" not in r["userName"] for r in answer["Resources"])
