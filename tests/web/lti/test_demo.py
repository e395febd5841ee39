"""Northwind shows its registered Moodle, a placed course and a score; loading twice: no more."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.lti.models import Platform, ResourceLink, ScoreOutbox

pytestmark = pytest.mark.django_db


def test_demo_platform_placement_and_score(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    platform = Platform.objects.get(organisation__slug="northwind")
    assert platform.name == "Northwind Moodle" and platform.deployment_ids == ["1"]
    assert ResourceLink.objects.filter(platform=platform).count() == 1
    assert ScoreOutbox.objects.filter(link__platform=platform).count() == 1
    client.force_login(
        platform.organisation.memberships.get(user__email="admin@northwind.example").user
    )
    page = client.get(f"/o/northwind/lti/{platform.pk}/").content.decode()
    assert "Warehouse induction" in page and "Safe manual handling" in page
    assert "67" in page
    nav = client.get("/o/northwind/").content.decode()
    assert "/o/northwind/lti/" in nav
    assert client.get("/lti/jwks.json").json()["keys"]
