"""The administrators' settings page, the "SSO required" password rule and finding one's
provider from the sign-in page."""

from __future__ import annotations

import pytest

from microcred_web.common.models import AuditEvent
from microcred_web.sso.models import Connection

pytestmark = pytest.mark.django_db


def _form(issuer_url: str, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "enabled": "on",
        "display_name": "Acme IdP",
        "issuer": issuer_url,
        "client_id": "microcred-acme",
        "client_secret": "acme-secret-1",
        "scopes": "openid email profile",
        "groups_claim": "groups",
        "group_roles": "it-admins = admin\n# a comment\nissuers = issuer",
        "default_role": "learner",
        "email_domains": "acme.example",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_an_administrator_connects_a_provider(
    oidc_provider, sso_on_loopback, client, make_org, make_member
):
    organisation = make_org(slug="acme")
    admin = make_member(organisation, "admin")
    client.force_login(admin)
    page = client.get("/o/acme/sso/")
    assert page.status_code == 200
    assert b"http://testserver/sso/acme/callback/" in page.content
    answer = client.post("/o/acme/sso/", _form(oidc_provider.issuer))
    assert answer.status_code == 302
    connection = Connection.objects.get(organisation=organisation)
    assert connection.metadata["token_endpoint"] == f"{oidc_provider.issuer}/token/"
    assert connection.group_roles == [["it-admins", "admin"], ["issuers", "issuer"]]
    assert b"acme-secret-1" not in bytes(connection.client_secret_sealed)
    from microcred_web.common.audit_words import describe

    event = AuditEvent.objects.get(action="sso.connection_saved")
    assert "changed the single sign-on settings" in describe(event)
    # the secret is never shown again, and an empty field keeps it
    assert b"acme-secret-1" not in client.get("/o/acme/sso/").content
    client.post("/o/acme/sso/", _form(oidc_provider.issuer, client_secret="", display_name="X"))
    connection.refresh_from_db()
    assert connection.display_name == "X"
    from microcred_web.sso.services import client_secret_of

    assert client_secret_of(connection) == "acme-secret-1"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"group_roles": "it-admins admin"}, "group_roles", "Line 1"),
        ({"group_roles": "staff = boss"}, "group_roles", "boss is not a role"),
        ({"scopes": "email profile"}, "scopes", "openid"),
        ({"groups_claim": "my groups!"}, "groups_claim", "claim"),
        ({"email_domains": "not a domain!"}, "email_domains", "not a domain"),
        ({"client_secret": None}, "client_secret", "client secret"),
        ({"issuer": "ftp://idp.example"}, "issuer", "https://"),
    ],
)
def test_bad_settings_name_the_field(
    oidc_provider, sso_on_loopback, client, make_org, make_member, changes, field, words
):
    organisation = make_org(slug="acme")
    client.force_login(make_member(organisation, "admin"))
    answer = client.post("/o/acme/sso/", _form(oidc_provider.issuer, **changes))
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not Connection.objects.exists()


def test_a_wrong_issuer_is_reported_on_the_issuer_field(
    oidc_provider, sso_on_loopback, client, make_org, make_member
):
    organisation = make_org(slug="acme")
    client.force_login(make_member(organisation, "admin"))
    answer = client.post("/o/acme/sso/", _form(oidc_provider.issuer + "/"))
    assert answer.status_code == 400
    assert "enter its issuer exactly" in " ".join(answer.context["form"].errors["issuer"])


def test_loopback_providers_need_the_operators_permission(
    oidc_provider, client, make_org, make_member, settings
):
    settings.MICROCRED_SSO_ALLOW_HTTP = True  # http allowed, private addresses not
    settings.MICROCRED_SSO_ALLOW_PRIVATE = False
    organisation = make_org(slug="acme")
    client.force_login(make_member(organisation, "admin"))
    answer = client.post("/o/acme/sso/", _form(oidc_provider.issuer))
    assert answer.status_code == 400
    assert "private or reserved address" in " ".join(answer.context["form"].errors["issuer"])


def test_an_email_domain_belongs_to_one_organisation(connect, client, make_member):
    connect("acme")
    beta, _admin = connect("beta")
    from microcred_web.common.errors import ApplicationError
    from microcred_web.sso import services

    with pytest.raises(ApplicationError) as caught:
        services.connection_save(
            organisation=beta,
            actor=_admin,
            values={
                **_form(Connection.objects.get(organisation=beta).issuer, enabled=True),
                "sso_required": False,
                "email_domains": "acme.example",
            },
        )
    assert caught.value.field == "email_domains"


def test_sso_required_stops_password_sign_in_but_not_administrators(
    connect, client, make_member, password
):
    organisation, admin = connect("acme", sso_required=True)
    member = make_member(organisation, "issuer", email="local@acme.example")
    answer = client.post("/accounts/sign-in/", {"email": member.email, "password": password})
    assert answer.status_code == 403
    assert "requires single sign-on" in answer.content.decode()
    assert "Acme IdP" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    # the break-glass rule: administrators keep their password
    answer = client.post("/accounts/sign-in/", {"email": admin.email, "password": password})
    assert answer.status_code == 302
    # a wrong password says nothing about single sign-on
    client.logout()
    answer = client.post("/accounts/sign-in/", {"email": member.email, "password": "nope-nope"})
    assert answer.status_code == 400
    assert "single sign-on" not in answer.content.decode().split("<form")[1].split("sso-find")[0]


def test_without_sso_required_passwords_keep_working(connect, client, make_member, password):
    organisation, _admin = connect("acme", sso_required=False)
    member = make_member(organisation, "issuer")
    answer = client.post("/accounts/sign-in/", {"email": member.email, "password": password})
    assert answer.status_code == 302


def test_a_person_finds_their_provider_by_email_domain(connect, client):
    connect("acme")
    sign_in_page = client.get("/accounts/sign-in/")
    assert b'href="/sso/"' in sign_in_page.content
    answer = client.post("/sso/", {"email": "new.person@ACME.example"})
    assert answer.status_code == 302
    assert answer["Location"] == "/sso/acme/login/"
    unknown = client.post("/sso/", {"email": "someone@nowhere.example"})
    assert unknown.status_code == 400
    assert "email" in unknown.context["form"].errors


def test_members_who_are_not_administrators_cannot_open_the_settings(connect, client, make_member):
    organisation, _admin = connect("acme")
    client.force_login(make_member(organisation, "issuer"))
    assert client.get("/o/acme/sso/").status_code == 403
    assert client.post("/o/acme/sso/", {"issuer": "https://x"}).status_code == 403
