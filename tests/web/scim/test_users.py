"""SCIM Users: create, read, list with filters and paging, replace, PATCH, delete; errors."""

from __future__ import annotations

import pytest
from tests.web.scim.scim_client import ENTERPRISE, USER, user_body

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Membership
from microcred_web.scim.models import ScimPerson

pytestmark = pytest.mark.django_db


def _create(scim, user_name: str, **extra) -> dict:
    answer = scim.post("Users", user_body(user_name, **extra))
    assert answer.status == 201, answer.body
    return answer.body


def test_create_makes_an_account_and_a_learner_membership(scim) -> None:
    answer = scim.post("Users", user_body("ana@acme.example", externalId="HR-0001"))
    assert answer.status == 201
    assert answer.headers["Content-Type"] == "application/scim+json"
    assert answer.headers["Location"] == answer.body["meta"]["location"]
    assert answer.body["userName"] == "ana@acme.example"
    assert answer.body["externalId"] == "HR-0001"
    assert answer.body["active"] is True
    user = User.objects.get(email="ana@acme.example")
    assert user.display_name == "Ana Silva"
    assert not user.has_usable_password()  # signs in after choosing one (or via SSO)
    membership = Membership.objects.get(user=user, organisation=scim.organisation)
    assert membership.is_active and membership.role_names == ["learner"]
    again = scim.get(f"Users/{answer.body['id']}")
    assert again.status == 200 and again.body == answer.body


def test_enterprise_extension_round_trip(scim) -> None:
    boss = _create(scim, "boss@acme.example")
    extension = {
        "employeeNumber": "701984",
        "department": "Warehouse",
        "manager": {"value": boss["id"]},
    }
    body = user_body("li.wei@acme.example", **{ENTERPRISE: extension})
    body["schemas"] = [USER, ENTERPRISE]
    created = scim.post("Users", body).body
    assert created[ENTERPRISE]["employeeNumber"] == "701984"
    assert created[ENTERPRISE]["department"] == "Warehouse"
    assert created[ENTERPRISE]["manager"]["value"] == boss["id"]
    assert ENTERPRISE in created["schemas"]
    unknown_manager = user_body("x@acme.example", **{ENTERPRISE: {"manager": {"value": "nobody"}}})
    unknown_manager["schemas"] = [USER, ENTERPRISE]
    answer = scim.post("Users", unknown_manager)
    assert (answer.status, answer.scim_type) == (400, "invalidValue")
    assert "manager.value" in answer.body["detail"]


@pytest.mark.parametrize(
    ("body_change", "named"),
    [
        ({"nickName": "Ana"}, "nickName"),
        ({"name": {"givenName": "Ana", "honorificPrefix": "Dr"}}, "name.honorificPrefix"),
        ({"emails": [{"value": "a@acme.example", "display": "A"}]}, "emails.display"),
        ({ENTERPRISE: {"costCenter": "4130"}}, f"{ENTERPRISE}:costCenter"),
    ],
)
def test_unknown_attributes_are_refused_and_nothing_is_written(scim, body_change, named) -> None:
    body = user_body("ana@acme.example")
    body.update(body_change)
    if ENTERPRISE in body_change:
        body["schemas"] = [USER, ENTERPRISE]
    answer = scim.post("Users", body)
    assert (answer.status, answer.scim_type) == (400, "invalidSyntax")
    assert named in answer.body["detail"]
    assert answer.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not User.objects.filter(email="ana@acme.example").exists()
    assert not ScimPerson.objects.exists()


def test_unknown_attribute_in_put_and_patch_changes_nothing(scim) -> None:
    created = _create(scim, "ana@acme.example")
    put = user_body("ana@acme.example", title="Picker")
    assert scim.put(f"Users/{created['id']}", put).scim_type == "invalidSyntax"
    patch = scim.patch(
        f"Users/{created['id']}",
        {"op": "replace", "path": "displayName", "value": "Ana S."},
        {"op": "add", "path": "title", "value": "Picker"},
    )
    assert (patch.status, patch.scim_type) == (400, "invalidSyntax")
    assert "title" in patch.body["detail"]
    assert scim.get(f"Users/{created['id']}").body == created  # the first operation undone


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ("{not json", "invalidSyntax"),
        ({"userName": "a@acme.example"}, "invalidSyntax"),  # no schemas
        ({"schemas": [USER], "emails": [{"value": "a@acme.example"}]}, "invalidValue"),
        ({"schemas": [USER], "userName": "a", "emails": []}, "invalidValue"),
        ({"schemas": [USER], "userName": "a", "emails": [{"value": "no-at"}]}, "invalidValue"),
        ({"schemas": [USER], "userName": 7, "emails": [{"value": "a@b.example"}]}, "invalidValue"),
        (
            {"schemas": [USER], "userName": "a", "emails": [{"value": "a@b.example"}], "active": 3},
            "invalidValue",
        ),
    ],
)
def test_bad_bodies_get_a_scim_error(scim, body, scim_type) -> None:
    answer = scim.post("Users", body)
    assert answer.status == 400
    assert answer.scim_type == scim_type
    assert answer.body["status"] == "400"


def test_user_name_and_email_clashes_are_uniqueness_errors(scim) -> None:
    _create(scim, "ana@acme.example")
    same_name = scim.post("Users", user_body("ANA@acme.example", email="other@acme.example"))
    assert (same_name.status, same_name.scim_type) == (409, "uniqueness")
    same_email = scim.post("Users", user_body("ana.s", email="ana@acme.example"))
    assert (same_email.status, same_email.scim_type) == (409, "uniqueness")
    second = _create(scim, "li@acme.example")
    rename = scim.patch(
        f"Users/{second['id']}", {"op": "replace", "path": "userName", "value": "Ana@Acme.example"}
    )
    assert (rename.status, rename.scim_type) == (409, "uniqueness")
    assert ScimPerson.objects.count() == 2


def test_an_existing_account_joins_and_keeps_its_own_name(scim, make_member, make_org) -> None:
    elsewhere = make_org("globex", "Globex")
    person = make_member(elsewhere, "learner", email="ana@acme.example", name="Ana (Globex)")
    created = _create(scim, "ana@acme.example", displayName="Ana from HR")
    assert created["displayName"] == "Ana from HR"
    person.refresh_from_db()
    assert person.display_name == "Ana (Globex)"  # not ours to rename
    assert Membership.objects.filter(user=person).count() == 2


def test_filters(scim) -> None:
    ana = _create(scim, "ana@acme.example", externalId="E-1")
    li = _create(scim, "li@acme.example", externalId="e-2", active=False)
    work = {"value": "bo@work.example", "type": "work"}
    home = {"value": "bo@home.example", "type": "home", "primary": True}
    bo = _create(scim, "bo", emails=[work, home])

    def ids(text: str) -> set[str]:
        answer = scim.get("Users", filter=text)
        assert answer.status == 200, answer.body
        assert answer.body["totalResults"] == len(answer.body["Resources"])
        return {r["id"] for r in answer.body["Resources"]}

    assert ids('userName eq "ANA@acme.example"') == {ana["id"]}
    assert ids('externalId eq "E-1"') == {ana["id"]}
    assert ids('externalId eq "e-1"') == set()  # externalId is case-exact
    assert ids('emails.value eq "bo@home.example"') == {bo["id"]}
    assert ids('emails eq "li@acme.example"') == {li["id"]}
    assert ids("active eq false") == {li["id"]}
    assert ids("active eq true") == {ana["id"], bo["id"]}
    assert ids('userName sw "ana" or userName sw "li"') == {ana["id"], li["id"]}
    assert ids('userName co "@acme" and active eq true') == {ana["id"]}
    assert ids('emails[type eq "work" and value co "bo@"]') == {bo["id"]}
    assert ids('emails[type eq "home" and value co "work"]') == set()  # same address
    assert ids('not (userName co "@")') == {bo["id"]}
    assert ids('userName ew ".example"') == {ana["id"], li["id"]}
    assert ids("externalId pr") == {ana["id"], li["id"]}
    assert ids(f'id eq "{li["id"]}"') == {li["id"]}
    assert ids('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bo"') == {bo["id"]}
    assert ids('meta.created gt "2000-01-01T00:00:00Z"') == {ana["id"], li["id"], bo["id"]}


@pytest.mark.parametrize(
    "text",
    [
        'userName eq "ana',
        "userName eq",
        'userName zz "a"',
        'title eq "x"',
        'userName eq "a" and',
        "active eq 1",
        '(userName eq "a"',
        'emails[type eq "work"',
    ],
)
def test_bad_filters_are_invalid_filter_errors(scim, text) -> None:
    answer = scim.get("Users", filter=text)
    assert (answer.status, answer.scim_type) == (400, "invalidFilter"), answer.body


def test_paging_with_start_index_and_count(scim) -> None:
    made = [_create(scim, f"p{n}@acme.example")["id"] for n in range(5)]
    first = scim.get("Users", startIndex=1, count=2).body
    assert first["totalResults"] == 5 and first["itemsPerPage"] == 2 and first["startIndex"] == 1
    rest = scim.get("Users", startIndex=3, count=10).body
    assert [r["id"] for r in first["Resources"] + rest["Resources"]] == made
    assert scim.get("Users", count=0).body["Resources"] == []
    assert scim.get("Users", startIndex="x").scim_type == "invalidValue"


def test_attributes_parameter_trims_the_answer(scim) -> None:
    created = _create(scim, "ana@acme.example")
    only = scim.get(f"Users/{created['id']}", attributes="userName").body
    assert set(only) == {"schemas", "id", "userName"}
    without = scim.get(f"Users/{created['id']}", excludedAttributes="emails").body
    assert "emails" not in without and "userName" in without


def test_put_replaces_the_person(scim) -> None:
    created = _create(scim, "ana@acme.example")
    body = user_body("ana.silva@acme.example", email="ana.silva@acme.example")
    body["name"] = {"givenName": "Ana"}
    answer = scim.put(f"Users/{created['id']}", body)
    assert answer.status == 200
    assert answer.body["userName"] == "ana.silva@acme.example"
    assert answer.body["name"] == {"givenName": "Ana"}
    assert User.objects.filter(email="ana.silva@acme.example").exists()  # account follows
    mismatch = scim.put(f"Users/{created['id']}", {**body, "id": "something-else"})
    assert (mismatch.status, mismatch.scim_type) == (400, "mutability")


def test_search_by_post(scim) -> None:
    ana = _create(scim, "ana@acme.example")
    _create(scim, "li@acme.example")
    answer = scim.post(
        "Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName eq "ana@acme.example"',
            "attributes": ["userName"],
        },
    )
    assert answer.status == 200
    assert [r["id"] for r in answer.body["Resources"]] == [ana["id"]]
    assert set(answer.body["Resources"][0]) == {"schemas", "id", "userName"}
    assert scim.post(".search", {"schemas": []}).status == 501


def test_missing_resources_and_endpoints_are_404(scim) -> None:
    assert scim.get("Users/00000000-0000-4000-8000-000000000000").status == 404
    assert scim.get("Users/not-a-uuid").status == 404
    assert scim.get("Groups/999999").status == 404
    assert scim.get("Nothing/here").status == 404
    assert scim.call("PUT", "ServiceProviderConfig", {}).status == 405
