from __future__ import annotations

from microcred_web.orgs.models import Membership


def test_me_requires_a_session_and_answers_in_the_error_shape(client, db) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "Sign in to use the API.", "field": None}
    }


def test_me_lists_organisations_and_roles(client, world) -> None:
    client.force_login(world.people["manager"])
    body = client.get("/api/v1/me").json()
    assert body["email"] == "manager@acme.example"
    assert body["organisations"] == [
        {"slug": "acme", "name": "Acme Training", "roles": ["manager"]}
    ]


def test_members_for_admins_only(client, world) -> None:
    client.force_login(world.people["admin"])
    members = client.get("/api/v1/orgs/acme/members").json()
    assert {m["email"] for m in members} == {f"{r}@acme.example" for r in world.people}
    learner = next(m for m in members if m["email"] == "learner@acme.example")
    assert learner["teams"] == ["Depot"]
    assert learner["id"] == Membership.objects.get(user=world.people["learner"]).pk
    client.force_login(world.people["issuer"])
    response = client.get("/api/v1/orgs/acme/members")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    client.force_login(world.others["admin"])
    response = client.get("/api/v1/orgs/acme/members")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_errors_name_the_field(client, world) -> None:
    client.force_login(world.people["admin"])
    response = client.get("/api/v1/orgs/acme/members?role=wizard")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "role_unknown",
        "message": "Unknown role: wizard",
        "field": "role",
    }


def test_openapi_document_and_offline_docs(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/orgs/{slug}/members" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
