"""The demo has an instance operator; with the demo loaded, the setup never shows."""

from __future__ import annotations

import pytest

from microcred_web.accounts.models import User
from microcred_web.orgs.demo import DEMO_OPERATOR, demo_load, demo_password
from microcred_web.orgs.models import Membership


@pytest.mark.django_db
def test_demo_operator_signs_in_to_the_console_and_setup_is_gone(client) -> None:
    demo_load()
    demo_load()  # twice: nothing more
    operator = User.objects.get(email=DEMO_OPERATOR.email)
    assert operator.is_operator and not Membership.objects.filter(user=operator).exists()
    assert client.get("/setup/").status_code == 404
    signed_in = client.post(
        "/accounts/sign-in/", {"email": DEMO_OPERATOR.email, "password": demo_password()}
    )
    assert signed_in.status_code == 302
    assert client.get("/").url == "/operator/"
    console = client.get("/operator/")
    slugs = {row.organisation.slug for row in console.context["usage"]}
    assert {"northwind", "contoso"} <= slugs
    northwind = next(r for r in console.context["usage"] if r.organisation.slug == "northwind")
    assert northwind.people >= 15 and northwind.credentials_total >= 5
