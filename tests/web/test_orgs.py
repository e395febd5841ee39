from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.orgs import selectors, services
from microcred_web.orgs.models import Invitation, Membership, Team


def link_token_from(message) -> str:
    match = re.search(r"/invitations/([^/\s]+)/", message.body)
    assert match is not None, message.body
    return match.group(1)


@pytest.fixture
def acme(make_org, make_member):
    org = make_org("acme", "Acme Training")
    admin = make_member(org, "admin", email="admin@acme.example", name="Ada Admin")
    return org, admin


def invite(org, admin, django_capture_on_commit_callbacks, **kwargs) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            organisation=org,
            email=kwargs.pop("email", "new@acme.example"),
            roles=kwargs.pop("roles", ["learner"]),
            actor=admin,
            **kwargs,
        )
    return link_token_from(mail.outbox[-1])


def test_invitation_stores_only_a_hash_and_emails_after_commit(
    acme, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, link_token = services.invitation_create(
            organisation=org, email="New@Acme.example", roles=["learner"], actor=admin
        )
    assert mail.outbox == []  # nothing sent before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == ["new@acme.example"]
    assert link_token in mail.outbox[0].body
    token = link_token.rsplit(":", 2)[0]
    assert token not in invitation.token_hash
    assert Invitation.objects.filter(token_hash__contains=token).count() == 0
    assert AuditEvent.objects.filter(action="orgs.invitation_created", organisation=org).exists()


def test_new_person_accepts_and_gets_the_roles_and_team(
    client, acme, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    team = services.team_create(organisation=org, name="Depot", actor=admin)
    link_token = invite(
        org, admin, django_capture_on_commit_callbacks, roles=["learner", "assessor"], team=team
    )
    url = f"/invitations/{link_token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    response = client.post(
        url,
        {
            "action": "create",
            "display_name": "Søren Kristensen",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    user = User.objects.get(email="new@acme.example")
    membership = Membership.objects.get(user=user, organisation=org)
    assert membership.role_names == ["assessor", "learner"]
    assert list(team.members.all()) == [membership]
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.preferred_language == org.default_language


def test_accept_form_errors_name_the_field(
    client, acme, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    url = f"/invitations/{invite(org, admin, django_capture_on_commit_callbacks)}/"
    response = client.post(
        url, {"action": "create", "display_name": "", "password1": "short", "password2": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_display_name_error"' in html
    assert 'id="id_password2_error"' in html
    response = client.post(
        url,
        {"action": "create", "display_name": "Ann", "password1": "short", "password2": "short"},
    )
    assert 'id="id_password1_error"' in response.content.decode()
    assert not User.objects.filter(email="new@acme.example").exists()


def test_existing_person_signs_in_and_joins(
    client, acme, make_org, make_member, password, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    elsewhere = make_org("globex")
    make_member(elsewhere, "learner", email="new@acme.example")
    url = f"/invitations/{invite(org, admin, django_capture_on_commit_callbacks)}/"
    assert "Sign in to accept" in client.get(url).content.decode()
    response = client.post(url, {"action": "sign_in", "password": password})
    assert response.status_code == 302
    user = User.objects.get(email="new@acme.example")
    assert {m.organisation.slug for m in selectors.memberships_of_user(user=user)} == {
        "acme",
        "globex",
    }


def test_used_invitation_cannot_be_reused(acme, django_capture_on_commit_callbacks) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    services.invitation_accept_new_user(
        link_token=link_token, display_name="Ann", password="a-long-passphrase-77"
    )
    with pytest.raises(ApplicationError) as error:
        services.invitation_accept_new_user(
            link_token=link_token, display_name="Eve", password="a-long-passphrase-77"
        )
    assert error.value.code == "invitation_used"


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "invitation_invalid"),
        (lambda t: "x" + t, "invitation_invalid"),
        (lambda t: t.split(":")[0], "invitation_invalid"),
    ],
)
def test_tampered_link_is_refused_with_a_clear_page(
    client, acme, django_capture_on_commit_callbacks, mangle, code
) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    response = client.get(f"/invitations/{mangle(link_token)}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'data-error-code="{code}"' in html
    assert "This invitation link is not valid" in html


def test_link_older_than_seven_days_is_expired(
    client, acme, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    later = time.time() + 7 * 24 * 3600 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.get(f"/invitations/{link_token}/")
    assert response.status_code == 410
    assert 'data-error-code="invitation_expired"' in response.content.decode()


def test_invitation_past_its_stored_expiry_is_expired(
    acme, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError) as error:
        selectors.invitation_from_link(link_token=link_token)
    assert error.value.code == "invitation_expired"


def test_revoked_invitation_is_refused(client, acme, django_capture_on_commit_callbacks) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    invitation = Invitation.objects.get()
    assert client.post(f"/o/acme/invitations/{invitation.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get(f"/invitations/{link_token}/")
    assert response.status_code == 410
    assert 'data-error-code="invitation_revoked"' in response.content.decode()
    assert AuditEvent.objects.filter(action="orgs.invitation_revoked").exists()


def test_signed_in_person_with_another_address_cannot_accept(
    client, acme, make_member, django_capture_on_commit_callbacks
) -> None:
    org, admin = acme
    link_token = invite(org, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    page = client.get(f"/invitations/{link_token}/")
    assert "You are signed in with another address" in page.content.decode()
    with pytest.raises(ApplicationError) as error:
        services.invitation_accept_existing_user(link_token=link_token, user=admin)
    assert error.value.code == "invitation_other_email"


def test_inviting_a_current_member_names_the_email_field(client, acme) -> None:
    _org, admin = acme
    client.force_login(admin)
    response = client.post(
        "/o/acme/people/invite/", {"email": "admin@acme.example", "roles": ["learner"]}
    )
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    response = client.post("/o/acme/people/invite/", {"email": "x@acme.example"})
    assert 'id="id_roles_error"' in response.content.decode()


def test_invite_form_sends_the_email(client, acme, django_capture_on_commit_callbacks) -> None:
    _org, admin = acme
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/o/acme/people/invite/", {"email": "chloe@acme.example", "roles": ["learner"]}
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["chloe@acme.example"]
    assert "Acme Training" in mail.outbox[0].subject


def test_role_change_is_audited(client, acme, make_member) -> None:
    org, admin = acme
    learner = make_member(org, "learner")
    membership = Membership.objects.get(user=learner, organisation=org)
    client.force_login(admin)
    response = client.post(
        f"/o/acme/people/{membership.pk}/", {"roles": ["learner", "issuer"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Roles updated." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role_names == ["issuer", "learner"]
    event = AuditEvent.objects.get(action="orgs.membership_roles_changed")
    assert event.actor == admin
    assert event.organisation == org
    assert event.data == {"before": ["learner"], "after": ["issuer", "learner"]}


def test_last_admin_cannot_drop_the_admin_role(client, acme) -> None:
    _org, admin = acme
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(f"/o/acme/people/{membership.pk}/", {"roles": ["learner"]})
    assert response.status_code == 400
    assert 'id="id_roles_error"' in response.content.decode()
    assert Membership.objects.get(user=admin).role_names == ["admin"]


def test_deactivated_member_loses_access(client, acme, make_member) -> None:
    org, admin = acme
    learner = make_member(org, "learner")
    membership = Membership.objects.get(user=learner)
    client.force_login(admin)
    assert client.post(f"/o/acme/people/{membership.pk}/deactivate/").status_code == 302
    client.force_login(learner)
    assert client.get("/o/acme/").status_code == 404
    assert AuditEvent.objects.filter(action="orgs.membership_deactivated").exists()


def test_deactivating_oneself_is_an_htmx_error_partial(client, acme) -> None:
    _org, admin = acme
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(f"/o/acme/people/{membership.pk}/deactivate/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#htmx-errors"
    html = response.content.decode()
    assert 'data-error-code="cannot_deactivate_self"' in html
    assert "<html" not in html


def test_people_search_returns_a_partial_for_htmx(client, acme, make_member) -> None:
    org, admin = acme
    make_member(org, "learner", name="Łukasz Kowalski")
    make_member(org, "learner", name="Björn Andersson")
    client.force_login(admin)
    response = client.get("/o/acme/people/?q=łukasz", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Łukasz Kowalski" in html
    assert "Björn Andersson" not in html
    assert "<html" not in html


def test_teams_crud(client, acme, make_member) -> None:
    org, admin = acme
    manager = make_member(org, "manager", name="Rafael Núñez")
    manager_m = Membership.objects.get(user=manager)
    client.force_login(admin)
    response = client.post("/o/acme/teams/new/", {"name": "Depot"})
    assert response.status_code == 302
    team = Team.objects.get(organisation=org)
    assert response.url == f"/o/acme/teams/{team.pk}/"
    client.post(
        f"/o/acme/teams/{team.pk}/members/add/", {"membership": [manager_m.pk], "as": "manager"}
    )
    assert list(team.managers.all()) == [manager_m]
    duplicate = client.post("/o/acme/teams/new/", {"name": "depot"})
    assert 'id="id_name_error"' in duplicate.content.decode()
    client.post(f"/o/acme/teams/{team.pk}/", {"name": "Depot North"})
    team.refresh_from_db()
    assert team.name == "Depot North"
    client.post(
        f"/o/acme/teams/{team.pk}/members/remove/", {"membership": [manager_m.pk], "as": "manager"}
    )
    client.force_login(manager)
    assert "Depot North" not in client.get("/o/acme/my-team/").content.decode()
    client.force_login(admin)
    assert client.post(f"/o/acme/teams/{team.pk}/delete/").status_code == 302
    assert not selectors.team_list(organisation=org).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"orgs.team_created", "orgs.team_updated", "orgs.team_deleted"} <= actions
    assert {"orgs.team_managers_added", "orgs.team_managers_removed"} <= actions


def test_team_cannot_take_people_from_another_organisation(acme, make_org, make_member) -> None:
    org, admin = acme
    other = make_org("globex")
    stranger = Membership.objects.get(user=make_member(other, "learner"))
    with pytest.raises(ApplicationError) as error:
        services.team_create(organisation=org, name="Mixed", members=[stranger], actor=admin)
    assert error.value.field == "members"


def test_settings_validate_colours_and_logo(client, acme) -> None:
    org, admin = acme
    client.force_login(admin)
    data = {
        "name": "Acme",
        "country": "fr",
        "primary_colour": "blue",
        "accent_colour": "#00ff00",
        "default_language": "fr",
    }
    response = client.post("/o/acme/settings/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_primary_colour_error"' in html
    assert 'aria-describedby="id_primary_colour_helptext id_primary_colour_error"' in html
    data["primary_colour"] = "#FFEE00"
    response = client.post("/o/acme/settings/", data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.country, org.primary_colour, org.default_language) == ("FR", "#ffee00", "fr")
    page = client.get("/o/acme/").content.decode()
    assert "--brand:#ffee00;--on-brand:#000000" in page  # readable text on a light brand colour


def test_logo_upload_accepts_png_and_refuses_other_files(client, acme, png_bytes) -> None:
    _org, admin = acme
    client.force_login(admin)
    base = {
        "name": "Acme",
        "country": "",
        "primary_colour": "#123456",
        "accent_colour": "#abcdef",
        "default_language": "en",
    }
    bad = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post("/o/acme/settings/", {**base, "logo": bad})
    assert 'id="id_logo_error"' in response.content.decode()
    good = SimpleUploadedFile("logo.png", png_bytes, content_type="image/png")
    assert client.post("/o/acme/settings/", {**base, "logo": good}).status_code == 302
    response = client.get("/o/acme/logo")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes


def test_selectors_are_scoped_to_the_organisation(acme, make_org, make_member) -> None:
    org, _admin = acme
    other = make_org("globex")
    stranger = make_member(other, "learner", email="stranger@globex.example")
    emails = {m.user.email for m in selectors.membership_list(organisation=org)}
    assert "stranger@globex.example" not in emails
    stranger_m = Membership.objects.get(user=stranger)
    assert selectors.membership_get(organisation=org, membership_id=stranger_m.pk) is None


def test_admin_cannot_reach_another_organisations_member_through_own_org(
    client, acme, make_org, make_member
) -> None:
    _org, admin = acme
    other = make_org("globex")
    stranger_m = Membership.objects.get(user=make_member(other, "learner"))
    client.force_login(admin)
    assert client.get(f"/o/acme/people/{stranger_m.pk}/").status_code == 404
    assert client.post(f"/o/acme/people/{stranger_m.pk}/deactivate/").status_code == 404
    stranger_m.refresh_from_db()
    assert stranger_m.is_active


def test_person_in_two_organisations_gets_a_switcher(client, acme, make_org, make_member) -> None:
    _org, admin = acme
    other = make_org("globex", "Globex")
    make_member(other, "learner", email=admin.email)
    client.force_login(admin)
    assert client.get("/").status_code == 200  # chooser, not a redirect
    page = client.get("/o/acme/").content.decode()
    assert 'id="org-switcher"' in page
    assert "/o/globex/" in page


def test_audit_log_lists_only_this_organisations_events(client, acme, make_org) -> None:
    _org, admin = acme
    make_org("globex", "Globex Secret")
    client.force_login(admin)
    html = client.get("/o/acme/audit/").content.decode()
    assert "Person added" in html and "Ada Admin" in html
    assert "Globex Secret" not in html


def test_navigation_follows_roles(client, make_org, make_member) -> None:
    org = make_org("acme")
    learner = make_member(org, "learner")
    client.force_login(learner)
    html = client.get("/o/acme/").content.decode()
    assert "/o/acme/learning/" in html
    assert "/o/acme/people/" not in html
    assert "/o/acme/issuing/" not in html
