"""First-run setup: only on a fresh install, all in one form, gone afterwards."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.instance import services
from microcred_web.instance.models import InstanceSetup
from microcred_web.issuing.models import IssuerKey, IssuerProfile
from microcred_web.orgs.models import Membership, Organisation

FORM = {
    "operator_email": "ops@example.org",
    "operator_name": "Olu Operator",
    "password1": "operator-pass-long-1",
    "password2": "operator-pass-long-1",
    "name": "Woodgrove Care",
    "slug": "woodgrove",
    "admin_email": "",
    "admin_name": "",
    "admin_language": "",
    "issuer_name": "Woodgrove Academy",
    "issuer_url": "https://woodgrove.example",
    "country": "ie",
    "default_language": "en",
    "primary_colour": "#2a6041",
    "accent_colour": "#f2a900",
}


@pytest.mark.django_db
def test_fresh_install_sends_everyone_to_setup(client) -> None:
    assert client.get("/").url == "/setup/"
    page = client.get("/setup/")
    assert page.status_code == 200
    assert b'name="operator_email"' in page.content and b'name="slug"' in page.content


@pytest.mark.django_db
def test_setup_creates_operator_org_admin_identity_and_then_is_gone(client, png_bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    logo = SimpleUploadedFile("logo.png", png_bytes, content_type="image/png")
    response = client.post("/setup/", {**FORM, "logo": logo})
    assert response.status_code == 302 and response.url == "/operator/"
    operator = User.objects.get(email="ops@example.org")
    assert operator.is_operator and operator.check_password("operator-pass-long-1")
    org = Organisation.objects.get(slug="woodgrove")
    assert (org.country, org.primary_colour) == ("IE", "#2a6041") and org.logo
    # left empty: the operator administers the first organisation themself
    assert Membership.objects.get(organisation=org, user=operator).role_names == ["admin"]
    assert IssuerProfile.objects.get(organisation=org).name == "Woodgrove Academy"
    assert IssuerKey.objects.filter(organisation=org).count() == 1
    assert client.get("/operator/").status_code == 200  # signed in as the operator
    assert client.get("/setup/").status_code == 404
    again = Client().post("/setup/", {**FORM, "slug": "second"})
    assert again.status_code == 404
    assert Organisation.objects.count() == 1
    assert Client().get("/").url.startswith("/accounts/sign-in/")


@pytest.mark.django_db
def test_setup_with_another_admin_gives_their_set_password_link(client) -> None:
    response = client.post(
        "/setup/",
        {**FORM, "admin_email": "head@woodgrove.example", "admin_name": "Hana"},
        follow=True,
    )
    assert response.status_code == 200
    org = Organisation.objects.get(slug="woodgrove")
    admin = User.objects.get(email="head@woodgrove.example")
    assert Membership.objects.get(organisation=org, user=admin).role_names == ["admin"]
    assert not Membership.objects.filter(user__email="ops@example.org").exists()
    assert b"/accounts/reset/" in response.content  # the link, shown to the operator


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"operator_email": "nope"}, "operator_email"),
        ({"password2": "different-pass-long-1"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"slug": "Not a slug"}, "slug"),
        ({"name": ""}, "name"),
        ({"primary_colour": "red"}, "primary_colour"),
        ({"country": "Ireland"}, "country"),
    ],
)
def test_setup_errors_name_their_field_and_create_nothing(client, change, field) -> None:
    response = client.post("/setup/", {**FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert not InstanceSetup.objects.exists()


@pytest.mark.django_db
def test_setup_needs_the_csrf_token() -> None:
    response = Client(enforce_csrf_checks=True).post("/setup/", FORM)
    assert response.status_code == 403
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_racing_second_setup_fails_on_the_one_row_claim() -> None:
    """Two submissions that both saw a fresh install: the second cannot insert the claim."""
    InstanceSetup.objects.create(id=InstanceSetup.SINGLETON)  # the first one's claim
    spec = services.OrganisationSpec(name="Late", slug="late", admin_email="ops2@example.org")
    with pytest.raises(ApplicationError) as caught:
        services.instance_setup(
            operator_email="ops2@example.org",
            operator_name="Second",
            operator_password="operator-pass-long-2",
            spec=spec,
        )
    assert caught.value.code == "setup_done"
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_with_the_demo_loaded_setup_never_shows(client, world) -> None:
    assert client.get("/setup/").status_code == 404
    assert client.get("/").url.startswith("/accounts/sign-in/")
