"""Issuer trust lists in the web verifier: org registries, instance registries, publishing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.trust.registry import parse_registry
from microcred_web.issuing.identity import issuer_did
from microcred_web.trustlists import selectors, services
from microcred_web.trustlists.models import TrustRegistry

API = "/verify/api"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_registries():
    selectors.registries_forget()
    yield
    selectors.registries_forget()


def _verify(client, issued) -> dict:
    response = client.post(API, data=issued.signed_json, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def _trust(body: dict) -> dict | None:
    return next((c for c in body["checks"] if c["id"] == "trust"), None)


def _dcc(did: str, name: str) -> bytes:
    return json.dumps(
        {"meta": {"created": "2026-01-01T00:00:00+0000"}, "registry": {did: {"name": name}}}
    ).encode()


def test_admin_uploads_a_dcc_registry_and_its_members_see_the_issuer_recognised(
    client, world, issued
) -> None:
    client.force_login(world.people["admin"])
    upload = SimpleUploadedFile("registry.json", _dcc(issuer_did(world.org), "Acme Academy"))
    response = client.post(
        "/o/acme/trust/", {"name": "Partners", "source_format": "dcc", "file": upload}
    )
    assert response.status_code == 302
    row = TrustRegistry.objects.get(organisation=world.org)
    assert row.name == "Partners" and row.document["issuers"][0]["name"] == "Acme Academy"
    body = _verify(client, issued)
    trust = _trust(body)
    assert trust is not None and trust["status"] == "pass"
    assert trust["label"] == "Recognised issuer"
    assert trust["message"] == (
        "Issuer recognised: listed in the registry “Partners” as “Acme Academy”."
    )
    assert body["verdict"] == "valid"


def test_an_organisations_registries_apply_only_to_its_own_members(client, world, issued) -> None:
    services.registry_add(
        organisation=world.org,
        name="Acme's list",
        source_format="dcc",
        text=_dcc(issuer_did(world.org), "Acme"),
    )
    assert _trust(_verify(client, issued)) is None  # anonymous: no registry configured
    client.force_login(world.others["admin"])
    assert _trust(_verify(client, issued)) is None  # Globex does not use Acme's registries
    row = TrustRegistry.objects.get(organisation=world.org)
    assert client.post(f"/o/globex/trust/{row.pk}/delete/").status_code == 404
    assert client.get("/o/acme/trust/").status_code == 404
    assert TrustRegistry.objects.filter(pk=row.pk).exists()


def test_only_admins_manage_registries(client, world) -> None:
    client.force_login(world.people["learner"])
    assert client.get("/o/acme/trust/").status_code == 403
    client.force_login(world.people["admin"])
    assert client.get("/o/acme/trust/").status_code == 200


def test_a_malformed_registry_is_refused_naming_the_field(client, world) -> None:
    client.force_login(world.people["admin"])
    document = json.dumps({"type": "IssuerRegistry", "name": "Bad", "issuers": [{"id": 5}]})
    response = client.post(
        "/o/acme/trust/", {"name": "", "source_format": "microcred", "document": document}
    )
    assert response.status_code == 400
    assert "$.issuers[0].id" in response.content.decode()
    assert "$.issuers[0].name" in response.content.decode()
    assert not TrustRegistry.objects.exists()


def test_instance_registry_unknown_issuer_is_a_warning_unless_the_policy_requires_it(
    client, settings, issued
) -> None:
    services.registry_add(
        organisation=None,
        name="Instance list",
        source_format="microcred",
        text=json.dumps(
            {
                "type": "IssuerRegistry",
                "name": "Instance list",
                "issuers": [{"id": "did:web:elsewhere.example", "name": "Elsewhere"}],
            }
        ),
    )
    body = _verify(client, issued)
    trust = _trust(body)
    assert trust is not None and trust["status"] == "warn"
    assert "not in any configured registry" in trust["detail"]
    assert body["verdict"] == "valid"  # the signature verdict is unchanged
    settings.MICROCRED_VERIFIER_REQUIRE_TRUSTED_ISSUER = True
    body = _verify(client, issued)
    assert _trust(body)["status"] == "fail"
    assert body["verdict"] == "invalid"


def test_operator_file_registry_matches_the_did_web_by_its_https_form(
    client, settings, tmp_path: Path, world, issued
) -> None:
    did = issuer_did(world.org)  # did:web:host:o:acme
    host, *rest = did[len("did:web:") :].split(":")
    https = "https://" + host.replace("%3A", ":") + "/" + "/".join(rest)
    path = tmp_path / "registry.json"
    path.write_text(
        json.dumps(
            {"type": "IssuerRegistry", "name": "Operator", "issuers": [{"id": https, "name": "A"}]}
        )
    )
    settings.MICROCRED_TRUST_REGISTRIES = [{"name": "", "format": "microcred", "path": str(path)}]
    trust = _trust(_verify(client, issued))
    assert trust is not None and trust["status"] == "pass"
    assert "“Operator”" in trust["message"]


def test_an_organisation_publishes_its_recognised_issuers(client, world) -> None:
    assert client.get("/o/acme/trust/registry.json").status_code == 404
    row = services.registry_add(
        organisation=world.org,
        name="Prior learning",
        source_format="dcc",
        text=_dcc("did:web:college.example", "Example College"),
    )
    services.registry_add(
        organisation=world.org,
        name="Private",
        source_format="dcc",
        text=_dcc("did:web:secret.example", "Not published"),
    )
    assert client.get("/o/acme/trust/registry.json").status_code == 404
    client.force_login(world.people["admin"])
    client.post(f"/o/acme/trust/{row.pk}/publish/", {"published": "on"})
    client.logout()
    response = client.get("/o/acme/trust/registry.json")
    assert response.status_code == 200
    published = parse_registry(response.json(), format="microcred")
    assert published.name == "Acme Training recognised issuers"
    assert [e.name for e in published.entries] == ["Example College"]
    assert client.get("/o/globex/trust/registry.json").status_code == 404


def test_demo_loader_is_idempotent_and_recognises_northwind(client, demo_world) -> None:
    from microcred_web.trustlists import demo

    northwind = demo_world
    assert demo.issuer_did(northwind) == issuer_did(northwind)
    first = demo.demo_content_load()
    assert demo.demo_content_load() == first
    instance = TrustRegistry.objects.get(organisation=None)
    assert instance.registry().lookup(issuer_did(northwind)) is not None
    published = client.get("/o/northwind/trust/registry.json").json()
    assert published["name"] == "Northwind Logistics recognised issuers"
    assert len(published["issuers"]) >= 2


@pytest.fixture
def demo_world(make_org):
    return make_org("northwind", "Northwind Logistics")


def test_vc_api_verify_reports_the_callers_registries(client, world, issued) -> None:
    from microcred_web.issuing.services import api_key_create

    _key, secret = api_key_create(organisation=world.org, actor=world.people["admin"], name="CI")
    _other, other_secret = api_key_create(
        organisation=world.other, actor=world.others["admin"], name="CI"
    )
    services.registry_add(
        organisation=world.org,
        name="Acme partners",
        source_format="dcc",
        text=_dcc(issuer_did(world.org), "Acme"),
    )

    def verify(token: str) -> dict:
        response = client.post(
            "/credentials/verify",
            json.dumps({"verifiableCredential": issued.document}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        return response.json()

    ours = verify(secret)
    assert "trust" in ours["checks"] and ours["verified"] is True
    theirs = verify(other_secret)  # Globex's caller: Acme's registry does not apply
    assert "trust" not in theirs["checks"] and theirs["warnings"] == []


@pytest.fixture
def registry_server():
    """A real HTTP server on 127.0.0.1 serving a DCC registry.json (the admin's URL)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = _dcc("did:web:college.example", "Example College")
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/registry.json", seen
    server.shutdown()
    server.server_close()


def test_a_registry_is_fetched_from_the_address_an_admin_entered(
    client, settings, world, registry_server
) -> None:
    url, seen = registry_server
    client.force_login(world.people["admin"])
    form = {"name": "College list", "source_format": "dcc", "source_url": url}
    refused = client.post("/o/acme/trust/", form)  # the guard refuses a private address
    assert refused.status_code == 400
    assert "could not be fetched" in refused.content.decode() and seen == []
    settings.MICROCRED_TRUST_FETCH_ALLOW_PRIVATE = True  # operator settings (on-premises)
    settings.MICROCRED_TRUST_FETCH_ALLOW_HTTP = True
    assert client.post("/o/acme/trust/", form).status_code == 302
    assert seen == ["/registry.json"]
    row = TrustRegistry.objects.get(organisation=world.org)
    assert row.source_url == url
    assert row.registry().lookup("https://college.example") is not None
