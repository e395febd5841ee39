"""PATCH paths (add / replace / remove, value filters, extensions) and deactivation that keeps
the person's credentials and history."""

from __future__ import annotations

import pytest
from tests.web.scim.scim_client import ENTERPRISE, user_body

from microcred_web.accounts.models import User
from microcred_web.common.models import AuditEvent
from microcred_web.orgs.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(scim) -> dict:
    body = user_body("ana@acme.example")
    body["emails"] = [
        {"value": "ana@acme.example", "type": "work", "primary": True},
        {"value": "ana@home.example", "type": "home"},
    ]
    return scim.post("Users", body).body


def test_replace_the_work_address_through_a_value_filter(scim, ana) -> None:
    answer = scim.patch(
        f"Users/{ana['id']}",
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "ana.s@acme.example"},
    )
    assert answer.status == 200, answer.body
    assert [e["value"] for e in answer.body["emails"]] == ["ana.s@acme.example", "ana@home.example"]
    assert User.objects.filter(email="ana.s@acme.example").exists()  # the sign-in address


def test_add_creates_the_element_a_simple_filter_describes(scim, ana) -> None:
    answer = scim.patch(
        f"Users/{ana['id']}",
        {"op": "add", "path": 'emails[type eq "other"].value', "value": "a@other.example"},
    )
    assert answer.status == 200, answer.body
    assert {"value": "a@other.example", "type": "other"} in answer.body["emails"]


def test_replace_with_a_filter_matching_nothing_is_no_target(scim, ana) -> None:
    answer = scim.patch(
        f"Users/{ana['id']}",
        {"op": "replace", "path": 'emails[type eq "other"].value', "value": "x@y.example"},
    )
    assert (answer.status, answer.scim_type) == (400, "noTarget")


def test_remove_one_address_and_sub_attributes(scim, ana) -> None:
    answer = scim.patch(
        f"Users/{ana['id']}",
        {"op": "remove", "path": 'emails[type eq "home"]'},
        {"op": "remove", "path": "name.familyName"},
    )
    assert answer.status == 200, answer.body
    assert [e["type"] for e in answer.body["emails"]] == ["work"]
    assert answer.body["name"] == {"givenName": "Ana"}


def test_remove_without_path_is_no_target(scim, ana) -> None:
    answer = scim.patch(f"Users/{ana['id']}", {"op": "remove"})
    assert (answer.status, answer.scim_type) == (400, "noTarget")


def test_patch_without_path_merges_attributes_and_extension(scim, ana) -> None:
    answer = scim.patch(
        f"Users/{ana['id']}",
        {
            "op": "replace",
            "value": {
                "displayName": "Ana Silva (Picking)",
                ENTERPRISE: {"department": "Picking"},
            },
        },
    )
    assert answer.status == 200, answer.body
    assert answer.body["displayName"] == "Ana Silva (Picking)"
    assert answer.body[ENTERPRISE] == {"department": "Picking"}
    assert ENTERPRISE in answer.body["schemas"]


def test_extension_attribute_paths(scim, ana) -> None:
    added = scim.patch(
        f"Users/{ana['id']}",
        {"op": "add", "path": f"{ENTERPRISE}:employeeNumber", "value": "42"},
    )
    assert added.body[ENTERPRISE]["employeeNumber"] == "42"
    removed = scim.patch(
        f"Users/{ana['id']}", {"op": "remove", "path": f"{ENTERPRISE}:employeeNumber"}
    )
    assert ENTERPRISE not in removed.body


@pytest.mark.parametrize(
    ("operation", "scim_type"),
    [
        ({"op": "replace", "path": "id", "value": "x"}, "mutability"),
        ({"op": "replace", "path": "meta.created", "value": "x"}, "mutability"),
        ({"op": "remove", "path": "active"}, "mutability"),
        ({"op": "replace", "path": 'emails[type eq "work"', "value": "x"}, "invalidPath"),
        ({"op": "move", "path": "displayName", "value": "x"}, "invalidSyntax"),
        ({"op": "replace", "path": "displayName"}, "invalidValue"),
        ({"op": "replace", "path": "active", "value": "maybe"}, "invalidValue"),
        ({"op": "remove", "path": "userName"}, "invalidValue"),  # required
    ],
)
def test_bad_operations(scim, ana, operation, scim_type) -> None:
    answer = scim.patch(f"Users/{ana['id']}", operation)
    assert (answer.status, answer.scim_type) == (400, scim_type), answer.body
    assert scim.get(f"Users/{ana['id']}").body == ana


def test_patch_body_needs_the_patch_schema(scim, ana) -> None:
    answer = scim.call("PATCH", f"Users/{ana['id']}", {"Operations": []})
    assert (answer.status, answer.scim_type) == (400, "invalidSyntax")


def _membership(scim, email: str) -> Membership:
    return Membership.objects.get(user__email=email, organisation=scim.organisation)


def test_active_false_deactivates_and_true_restores_roles(scim, ana) -> None:
    membership = _membership(scim, "ana@acme.example")
    membership.roles.create(role="issuer")
    off = scim.patch(f"Users/{ana['id']}", {"op": "replace", "path": "active", "value": False})
    assert off.body["active"] is False
    membership.refresh_from_db()
    assert membership.is_active is False
    assert User.objects.filter(email="ana@acme.example").exists()
    on = scim.patch(f"Users/{ana['id']}", {"op": "replace", "value": {"active": "True"}})
    assert on.body["active"] is True
    assert sorted(_membership(scim, "ana@acme.example").role_names) == ["issuer", "learner"]


def test_delete_hides_the_person_but_keeps_account_membership_and_history(scim, ana) -> None:
    assert scim.delete(f"Users/{ana['id']}").status == 204
    assert scim.get(f"Users/{ana['id']}").status == 404
    assert scim.delete(f"Users/{ana['id']}").status == 404
    membership = _membership(scim, "ana@acme.example")
    assert membership.is_active is False  # cannot sign in to the organisation
    assert AuditEvent.objects.filter(action="scim.person_removed").exists()
    back = scim.post("Users", user_body("ana@acme.example"))
    assert back.status == 201
    assert back.body["id"] == ana["id"]  # the same person comes back
    membership.refresh_from_db()
    assert membership.is_active is True


def test_deactivation_keeps_issued_credentials(scim, ana) -> None:
    """A credential issued to and claimed by the person survives deactivation and DELETE."""
    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services as issuing
    from microcred_web.issuing.models import Credential

    admin = User.objects.get(email="admin@acme.example")
    achievement = achievements.achievement_create(
        organisation=scim.organisation,
        actor=admin,
        values={
            "name": "Forklift safety",
            "description": "Forklift safety, practised and assessed.",
            "criteria": "Passed the practical assessment.",
            "achievement_type": "Badge",
            "tags": [],
            "alignments": [],
            "expiry_policy": "none",
        },
    )
    version = achievements.achievement_publish(achievement=achievement, actor=admin)
    (credential,) = issuing.credentials_issue(
        organisation=scim.organisation,
        achievement_version=version,
        recipients=[issuing.RecipientInput(email="ana@acme.example", name="Ana Silva")],
        actor=admin,
        source="ui",
        deliver=False,
    )
    user = User.objects.get(email="ana@acme.example")
    issuing.credential_claim(credential=credential, user=user)
    scim.patch(f"Users/{ana['id']}", {"op": "replace", "path": "active", "value": False})
    assert scim.delete(f"Users/{ana['id']}").status == 204
    kept = Credential.objects.get(pk=credential.pk)
    assert kept.recipient_user_id == user.pk
    assert kept.signed_json == credential.signed_json
    assert User.objects.filter(pk=user.pk, is_active=True).exists()  # account kept


def test_the_last_administrator_cannot_be_deactivated(scim) -> None:
    created = scim.post("Users", user_body("admin@acme.example"))
    assert created.status == 201  # adopts the existing administrator by e-mail address
    admin = Membership.objects.get(user__email="admin@acme.example")
    assert admin.role_names == ["admin"]  # roles untouched by provisioning
    answer = scim.patch(
        f"Users/{created.body['id']}", {"op": "replace", "path": "active", "value": False}
    )
    assert (answer.status, answer.scim_type) == (400, "mutability")
    admin.refresh_from_db()
    assert admin.is_active


def test_manager_given_as_a_bare_id_like_entra_id_sends_it(scim, ana) -> None:
    boss = scim.post("Users", user_body("boss@acme.example")).body
    answer = scim.patch(
        f"Users/{ana['id']}",
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]},
    )
    assert answer.status == 200, answer.body
    assert answer.body[ENTERPRISE]["manager"]["value"] == boss["id"]
    assert scim.get("Users", filter=f'manager.value eq "{boss["id"]}"').body["totalResults"] == 1
