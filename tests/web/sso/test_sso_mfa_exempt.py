"""A sign-in through the organisation's identity provider skips microcred's second factor
(the provider does MFA); a password sign-in of the same role does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings: Any) -> None:
    settings.MICROCRED_MFA_REQUIRED_ROLES = ["admin", "issuer"]


def test_an_issuer_signed_in_by_sso_is_not_sent_to_enrol(
    connect: Any, sso_sign_in: Any, client: Client
) -> None:
    connect("acme")
    response = sso_sign_in("acme", "dee")  # mapped to the issuer role
    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    assert client.get("/o/acme/").status_code == 200


def test_the_same_role_signed_in_with_a_password_is(connect: Any, password: str) -> None:
    _organisation, admin = connect("acme")
    admin.set_password(password)
    admin.save()
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": admin.email, "password": password})
    page = browser.get("/o/acme/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/security/")
