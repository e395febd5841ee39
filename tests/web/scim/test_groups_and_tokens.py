"""SCIM Groups ↔ teams, and the bearer tokens: scoped to one organisation, revocable."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.web.scim.scim_client import GROUP, ScimClient, user_body

from microcred_web.orgs.models import Membership, Team
from microcred_web.scim.models import ScimToken

pytestmark = pytest.mark.django_db


def _user(scim, user_name: str) -> str:
    answer = scim.post("Users", user_body(user_name))
    assert answer.status == 201, answer.body
    return str(answer.body["id"])


def _group(name: str, *member_ids: str, **extra) -> dict:
    return {
        "schemas": [GROUP],
        "displayName": name,
        "members": [{"value": m} for m in member_ids],
        **extra,
    }


def _team_emails(name: str) -> set[str]:
    team = Team.objects.get(name=name)
    return {m.user.email for m in team.members.select_related("user")}


def test_a_group_is_a_team_with_members(scim) -> None:
    ana, li = _user(scim, "ana@acme.example"), _user(scim, "li@acme.example")
    created = scim.post("Groups", _group("Warehouse", ana, li, externalId="G-7"))
    assert created.status == 201, created.body
    assert {m["value"] for m in created.body["members"]} == {ana, li}
    assert created.body["externalId"] == "G-7"
    assert _team_emails("Warehouse") == {"ana@acme.example", "li@acme.example"}
    listed = scim.get("Groups", filter='displayName eq "warehouse"').body
    assert [g["id"] for g in listed["Resources"]] == [created.body["id"]]
    assert scim.get("Groups", filter='externalId eq "G-7"').body["totalResults"] == 1
    assert scim.get("Groups", filter=f'members.value eq "{li}"').body["totalResults"] == 1


def test_patch_adds_and_removes_members(scim) -> None:
    ana, li, bo = (_user(scim, f"{n}@acme.example") for n in ("ana", "li", "bo"))
    group = scim.post("Groups", _group("Night shift", ana)).body
    added = scim.patch(
        f"Groups/{group['id']}",
        {"op": "add", "path": "members", "value": [{"value": li}, {"value": bo}]},
    )
    assert added.status == 200, added.body
    assert _team_emails("Night shift") == {f"{n}@acme.example" for n in ("ana", "li", "bo")}
    removed = scim.patch(
        f"Groups/{group['id']}", {"op": "remove", "path": f'members[value eq "{ana}"]'}
    )
    assert removed.status == 200
    # the Azure AD style: remove with a list of values
    scim.patch(
        f"Groups/{group['id']}", {"op": "remove", "path": "members", "value": [{"value": li}]}
    )
    assert _team_emails("Night shift") == {"bo@acme.example"}
    renamed = scim.patch(
        f"Groups/{group['id']}", {"op": "replace", "path": "displayName", "value": "Nights"}
    )
    assert renamed.body["displayName"] == "Nights" and Team.objects.filter(name="Nights").exists()


def test_team_members_scim_does_not_manage_are_left_alone(scim, make_member) -> None:
    local = make_member(scim.organisation, "learner", email="local@acme.example")
    team = Team.objects.create(organisation=scim.organisation, name="Depot")
    team.members.add(Membership.objects.get(user=local))
    ana = _user(scim, "ana@acme.example")
    group = scim.get("Groups").body["Resources"][0]
    assert group["displayName"] == "Depot" and "members" not in group
    scim.put(f"Groups/{group['id']}", _group("Depot", ana))
    assert _team_emails("Depot") == {"local@acme.example", "ana@acme.example"}
    scim.put(f"Groups/{group['id']}", _group("Depot"))
    assert _team_emails("Depot") == {"local@acme.example"}


def test_group_errors(scim) -> None:
    scim.post("Groups", _group("Warehouse"))
    clash = scim.post("Groups", _group("WAREHOUSE"))
    assert (clash.status, clash.scim_type) == (409, "uniqueness")
    stranger = scim.post("Groups", _group("Yard", "00000000-0000-4000-8000-000000000000"))
    assert (stranger.status, stranger.scim_type) == (400, "invalidValue")
    assert not Team.objects.filter(name="Yard").exists()  # nothing half-written
    unknown = scim.post("Groups", {**_group("Yard"), "owner": "x"})
    assert (unknown.status, unknown.scim_type) == (400, "invalidSyntax")
    nested = scim.post("Groups", {**_group("Yard"), "members": [{"value": "1", "type": "Group"}]})
    assert nested.scim_type == "invalidValue"


def test_delete_group_removes_the_team_not_the_people(scim) -> None:
    ana = _user(scim, "ana@acme.example")
    group = scim.post("Groups", _group("Warehouse", ana)).body
    assert scim.delete(f"Groups/{group['id']}").status == 204
    assert scim.get(f"Groups/{group['id']}").status == 404
    assert not Team.objects.filter(name="Warehouse").exists()
    assert scim.get(f"Users/{ana}").body["active"] is True


def test_a_deleted_user_leaves_the_group_listing(scim) -> None:
    ana, li = _user(scim, "ana@acme.example"), _user(scim, "li@acme.example")
    group = scim.post("Groups", _group("Warehouse", ana, li)).body
    scim.delete(f"Users/{ana}")
    members = scim.get(f"Groups/{group['id']}").body["members"]
    assert [m["value"] for m in members] == [li]


def test_a_token_never_reaches_another_organisation(scim, other_scim: ScimClient) -> None:
    ana = _user(scim, "ana@acme.example")
    group = scim.post("Groups", _group("Warehouse", ana)).body
    assert other_scim.get(f"Users/{ana}").status == 404
    assert other_scim.get("Users").body["totalResults"] == 0
    assert other_scim.get("Users", filter='userName eq "ana@acme.example"').body["Resources"] == []
    assert other_scim.get(f"Groups/{group['id']}").status == 404
    assert other_scim.get("Groups").body["totalResults"] == 0
    assert other_scim.delete(f"Users/{ana}").status == 404
    assert (
        other_scim.patch(f"Groups/{group['id']}", {"op": "remove", "path": "members"}).status == 404
    )
    foreign = other_scim.post("Groups", _group("Globex team", ana))
    assert foreign.scim_type == "invalidValue"  # our person is unknown there
    assert scim.get(f"Users/{ana}").body["active"] is True


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer mcscim_wrong", "Basic dXNlcjpwYXNz", "Token mcscim_x"]
)
def test_requests_without_a_valid_token_get_401(client, scim, header) -> None:
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/scim/v2/Users", **kwargs)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_a_revoked_token_stops_working_and_use_is_recorded(scim) -> None:
    token = ScimToken.objects.get(organisation=scim.organisation)
    assert token.last_used_at is None
    assert scim.get("Users").status == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoked_at = token.last_used_at
    token.save()
    assert scim.get("Users").status == 401


def test_a_suspended_organisation_token_gets_401(scim) -> None:
    from django.utils import timezone

    scim.organisation.suspended_at = timezone.now()
    scim.organisation.save()
    assert scim.get("Users").status == 401


def test_admin_creates_a_token_seen_once_and_revokes_it(client, scim_org) -> None:
    from microcred_web.accounts.models import User

    client.force_login(User.objects.get(email="admin@acme.example"))
    url = reverse("scim:tokens", kwargs={"slug": scim_org.slug})
    response = client.post(url, {"name": "Okta"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    token = ScimToken.objects.get(name="Okta")
    secret = page.split('data-testid="scim-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix)
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret not in client.get(url).content.decode()  # shown once
    answer = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    revoke = reverse("scim:revoke", kwargs={"slug": scim_org.slug, "token_id": token.pk})
    client.post(revoke)
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.post(url, {"name": " "}).status_code == 400


def test_discovery_documents(scim) -> None:
    config = scim.get("ServiceProviderConfig").body
    assert config["patch"]["supported"] is True and config["filter"]["supported"] is True
    types = scim.get("ResourceTypes").body
    assert {r["id"] for r in types["Resources"]} == {"User", "Group"}
    schemas = scim.get("Schemas").body
    names = {s["id"]: s for s in schemas["Resources"]}
    user = names["urn:ietf:params:scim:schemas:core:2.0:User"]
    assert {a["name"] for a in user["attributes"]} == {
        "userName",
        "name",
        "displayName",
        "emails",
        "active",
    }
    assert scim.get("Schemas/urn:nothing").status == 404
