"""Northwind shows a single sign-on connection (turned off); loading twice: still one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.sso.models import Connection
from microcred_web.sso.services import client_secret_of

pytestmark = pytest.mark.django_db


def test_demo_connection(client) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    connection = Connection.objects.get(organisation__slug="northwind")
    assert not connection.enabled
    secret = client_secret_of(connection)
    assert len(secret) >= 24
    admin = connection.organisation.memberships.get(user__email="admin@northwind.example").user
    client.force_login(admin)
    page = client.get("/o/northwind/sso/").content.decode()
    assert "Northwind Entra ID" in page
    assert "Northwind-Admins = admin" in page
    assert secret not in page
    assert "/o/northwind/sso/" in client.get("/o/northwind/").content.decode()
    # turned off: nobody is sent to a provider, and passwords still work
    assert client.get("/sso/northwind/login/").status_code == 404
