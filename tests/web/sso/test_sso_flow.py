"""The OpenID Connect code flow against a real provider (django-oauth-toolkit in a second
process on loopback): JIT provisioning, group → role mapping, state, linking, isolation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Membership
from microcred_web.sso.models import Connection, Identity

pytestmark = pytest.mark.django_db


def _roles(user: User, organisation) -> list[str]:
    return Membership.objects.get(user=user, organisation=organisation).role_names


def test_first_sign_in_creates_the_account_with_the_mapped_role(connect, sso_sign_in, client):
    organisation, _admin = connect("acme")
    response = sso_sign_in("acme", "dee")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    user = User.objects.get(email="dee@acme.example")
    assert user.display_name == "Dee Issuer"
    assert not user.has_usable_password()
    assert _roles(user, organisation) == ["issuer"]
    identity = Identity.objects.get(user=user)
    assert identity.organisation == organisation and identity.groups == ["issuers"]
    assert client.get("/o/acme/").status_code == 200  # signed in


def test_unmapped_groups_get_the_default_role(connect, sso_sign_in):
    organisation, _admin = connect("acme", default_role="manager")
    sso_sign_in("acme", "bob")
    assert _roles(User.objects.get(email="bob@acme.example"), organisation) == ["manager"]


def test_roles_are_synced_again_at_every_sign_in(connect, sso_sign_in, client):
    organisation, _admin = connect("acme")
    sso_sign_in("acme", "bob")
    bob = User.objects.get(email="bob@acme.example")
    assert _roles(bob, organisation) == ["learner"]
    Connection.objects.filter(organisation=organisation).update(
        group_roles=[["staff", "assessor"], ["staff", "manager"]]
    )
    client.logout()
    sso_sign_in("acme", "bob")
    assert _roles(bob, organisation) == ["assessor", "manager"]
    assert Identity.objects.filter(user=bob).count() == 1


def test_the_next_page_is_kept_through_the_round_trip(connect, oidc_provider, client):
    connect("acme")
    start = client.get("/sso/acme/login/", {"next": "/o/acme/learning/"})
    callback = oidc_provider.person_signs_in(start["Location"], "bob", "idp-pass-1")
    parts = urlsplit(callback)
    answer = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert answer["Location"] == "/o/acme/learning/"


def test_the_authorization_request_uses_pkce_state_and_nonce(connect, client):
    connect("acme")
    query = parse_qs(urlsplit(client.get("/sso/acme/login/")["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and query["state"] != query["nonce"]
    assert query["redirect_uri"] == ["http://testserver/sso/acme/callback/"]


def test_a_state_that_was_not_issued_here_is_refused(connect, oidc_provider, client):
    connect("acme")
    start = client.get("/sso/acme/login/")
    callback = oidc_provider.person_signs_in(start["Location"], "bob", "idp-pass-1")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = client.get("/sso/acme/callback/", {"code": code, "state": "forged-state"})
    assert answer.status_code == 400
    assert b"was not started here" in answer.content
    assert not User.objects.filter(email="bob@acme.example").exists()


def test_a_callback_cannot_be_replayed(connect, sso_sign_in, client):
    connect("acme")
    kept: list[str] = []
    assert sso_sign_in("acme", "bob", keep_callback=kept).status_code == 302
    parts = urlsplit(kept[0])
    again = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert again.status_code == 400
    assert b"already used" in again.content


def test_a_callback_started_in_another_browser_is_refused(connect, oidc_provider, client):
    from django.test import Client

    connect("acme")
    start = Client().get("/sso/acme/login/")  # the attacker's session
    callback = oidc_provider.person_signs_in(start["Location"], "bob", "idp-pass-1")
    parts = urlsplit(callback)  # ... pushed to the victim's browser (login CSRF)
    answer = client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
    assert answer.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_provider_refusing_shows_its_error(connect, client):
    connect("acme")
    start = client.get("/sso/acme/login/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get("/sso/acme/callback/", {"error": "access_denied", "state": state})
    assert answer.status_code == 400
    assert b"access_denied" in answer.content


def test_a_wrong_client_secret_is_a_clear_error_not_a_crash(connect, sso_sign_in):
    connect("acme", client_secret="not-the-secret")
    answer = sso_sign_in("acme", "bob")
    assert answer.status_code == 502
    assert b"refused the code" in answer.content


def test_an_unverified_email_creates_no_account(connect, sso_sign_in):
    connect("acme")
    answer = sso_sign_in("acme", "cat")
    assert answer.status_code == 403
    assert b"did not confirm your e-mail" in answer.content
    assert not User.objects.filter(email="cat@acme.example").exists()


def test_an_existing_member_is_linked_by_verified_email(connect, sso_sign_in, make_member):
    organisation, _admin = connect("acme")
    bob = make_member(organisation, "issuer", email="bob@acme.example")
    sso_sign_in("acme", "bob")
    assert Identity.objects.get(subject__isnull=False, user=bob)
    assert _roles(bob, organisation) == ["learner"]  # the provider's groups decide
    assert bob.has_usable_password()


def test_an_account_outside_the_organisation_is_not_taken_over(
    connect, sso_sign_in, make_org, make_member
):
    connect("acme")
    other = make_org(slug="other")
    victim = make_member(other, "admin", email="bob@acme.example")
    answer = sso_sign_in("acme", "bob")
    assert answer.status_code == 403
    assert b"already exists outside this organisation" in answer.content
    assert not Identity.objects.filter(user=victim).exists()
    assert not Membership.objects.filter(user=victim, organisation__slug="acme").exists()


def test_a_deactivated_membership_stays_deactivated(connect, sso_sign_in, client):
    _organisation, _admin = connect("acme")
    sso_sign_in("acme", "bob")
    Membership.objects.filter(user__email="bob@acme.example").update(is_active=False)
    client.logout()
    answer = sso_sign_in("acme", "bob")
    assert answer.status_code == 403
    assert b"deactivated" in answer.content


def test_one_organisations_provider_cannot_sign_into_another(connect, sso_sign_in, client):
    _acme, _ = connect("acme")
    beta, _ = connect("beta")  # same provider, another client
    sso_sign_in("acme", "bob")
    bob = User.objects.get(email="bob@acme.example")
    client.logout()
    answer = sso_sign_in("beta", "bob")
    assert answer.status_code == 403
    assert b"linked to another organisation" in answer.content
    assert not Membership.objects.filter(user=bob, organisation=beta).exists()
    assert client.get("/o/beta/").status_code == 302  # not signed in


def test_a_state_from_one_organisation_is_refused_at_another(connect, oidc_provider, client):
    connect("acme")
    connect("beta")
    start = client.get("/sso/acme/login/")
    callback = oidc_provider.person_signs_in(start["Location"], "bob", "idp-pass-1")
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    answer = client.get("/sso/beta/callback/", query)
    assert answer.status_code == 400
    assert not Membership.objects.filter(organisation__slug="beta", user__email="bob@acme.example")


def test_the_last_administrator_keeps_the_role(connect, sso_sign_in, client):
    organisation, admin = connect("acme", group_roles="")
    Connection.objects.filter(organisation=organisation).update(
        group_roles=[["it-admins", "admin"]]
    )
    sso_sign_in("acme", "ann")
    ann = User.objects.get(email="ann@acme.example")
    assert _roles(ann, organisation) == ["admin"]
    Membership.objects.filter(user=admin).update(is_active=False)  # ann is the only admin now
    Connection.objects.filter(organisation=organisation).update(group_roles=[])
    client.logout()
    sso_sign_in("acme", "ann")
    assert "admin" in _roles(ann, organisation)


def test_unknown_or_disabled_organisations_have_no_sso(connect, client):
    organisation, _ = connect("acme")
    assert client.get("/sso/nowhere/login/").status_code == 404
    Connection.objects.filter(organisation=organisation).update(enabled=False)
    assert client.get("/sso/acme/login/").status_code == 404
    assert client.get("/sso/acme/callback/", {"state": "x", "code": "y"}).status_code == 404


def test_sign_out_ends_the_session_and_visits_the_providers_end_session(
    connect, sso_sign_in, client, oidc_provider
):
    connect("acme")
    sso_sign_in("acme", "bob")
    answer = client.post("/accounts/sign-out/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"{oidc_provider.issuer}/logout/?client_id=microcred-acme")
    assert "_auth_user_id" not in client.session
    assert client.get("/o/acme/").status_code == 302
