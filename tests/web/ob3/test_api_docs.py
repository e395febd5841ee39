"""Every API has an OpenAPI description and an interactive page served from bundled files (no
CDN), and the developer settings (the API keys page) link to each."""

from __future__ import annotations

import pytest
from django.urls import reverse

APIS = ("api-v1", "ob3", "vc-api", "vc-api-presentations")


@pytest.mark.parametrize("namespace", APIS)
def test_openapi_json_and_docs_page(client, db, namespace):
    described = client.get(reverse(f"{namespace}:openapi-json"))
    assert described.status_code == 200
    document = described.json()
    assert document["openapi"].startswith("3.") and document["paths"]
    page = client.get(reverse(f"{namespace}:openapi-view"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse(f"{namespace}:openapi-json") in html
    assert "cdn." not in html and "unpkg" not in html  # assets come with the package


def test_ob3_openapi_names_every_endpoint_and_its_bearer(client, db):
    document = client.get(reverse("ob3:openapi-json")).json()
    assert {"/ims/ob/v3p0/credentials", "/ims/ob/v3p0/profile", "/ims/ob/v3p0/discovery"} <= set(
        document["paths"]
    )
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_developer_settings_link_every_docs_page(client, world):
    client.force_login(world.people["admin"])
    page = client.get(reverse("issuing:api_keys", kwargs={"slug": world.org.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    for namespace in APIS:
        assert f'href="{reverse(f"{namespace}:openapi-view")}"' in html
