from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from microcred_web.accounts.models import User
from microcred_web.common.colour import contrast_ratio, ink_on_white, readable_text_on
from microcred_web.common.errors import ApplicationError
from microcred_web.common.middleware import application_error_response
from microcred_web.common.models import AuditEvent
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Membership, Organisation, Team


def test_application_error_has_one_json_shape() -> None:
    error = ApplicationError("slug_taken", "Taken.", field="slug", status=409)
    assert error.as_json() == {
        "error": {"code": "slug_taken", "message": "Taken.", "field": "slug"}
    }


def test_application_error_renders_json_partial_or_page(db) -> None:
    factory = RequestFactory()
    error = ApplicationError("nope", "Not like this.", status=409)
    api = application_error_response(factory.get("/api/v1/x"), error)
    assert api.status_code == 409
    assert api["Content-Type"] == "application/json"
    htmx_request = factory.get("/o/x/", HTTP_HX_REQUEST="true")
    htmx_request.user = User()
    partial = application_error_response(htmx_request, error)
    assert partial["HX-Retarget"] == "#htmx-errors"
    assert b'data-error-code="nope"' in partial.content


def test_audit_record_hashes_the_ip(db) -> None:
    event = audit_record(action="test.done", ip="203.0.113.9", data={"k": 1})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_hash and "203.0.113.9" not in stored.ip_hash
    assert audit_record(action="test.done", ip="203.0.113.9").ip_hash == stored.ip_hash


@pytest.mark.parametrize("colour", ["#ffffff", "#f2a900", "#14506e", "#000000", "#ffee00"])
def test_brand_colours_keep_aa_contrast(colour: str) -> None:
    assert contrast_ratio(colour, readable_text_on(colour)) >= 4.5
    assert contrast_ratio(ink_on_white(colour), "#ffffff") >= 4.5


def test_error_pages_hide_details(client, db) -> None:
    response = client.get("/o/does-not-exist/people/")
    assert response.status_code == 302  # anonymous: sign in first, no hint whether it exists
    user = User.objects.create_user("a@example.com", "x-long-password-1")
    client.force_login(user)
    response = client.get("/o/does-not-exist/people/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_500_page_renders_without_context(client) -> None:
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_load_demo_is_idempotent(db, capsys) -> None:
    call_command("load_demo")
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
        Team.objects.count(),
        sum(t.members.count() for t in Team.objects.all()),
    )
    call_command("load_demo")
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
        Team.objects.count(),
        sum(t.members.count() for t in Team.objects.all()),
    )
    # the 16 people of orgs/demo.py and the issuer with an authenticator app (mfa/demo.py)
    assert Membership.objects.filter(organisation__slug="northwind").count() == 17
    assert Membership.objects.filter(user__email="mfa.demo@northwind.example").exists()
    ines = User.objects.get(email="ines.benali@northwind.example")
    assert ines.memberships.count() == 2
    assert "northwind-demo-2025" in capsys.readouterr().out
    assert User.objects.get(email="admin@northwind.example").check_password("northwind-demo-2025")


def test_serve_runs_granian_with_bounded_threads(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MICROCRED_WEB_THREADS", "6")
    call_command("serve", "--print", "--port", "8123", "--workers", "3", "--no-access-log")
    line = capsys.readouterr().out.split()
    assert line[1:4] == ["-m", "granian", "--interface"] and "wsgi" in line
    assert line[line.index("--workers") + 1] == "3"
    assert line[line.index("--blocking-threads") + 1] == "6"  # not granian's hundreds
    assert line[line.index("--port") + 1] == "8123"
    assert line[line.index("--workers-kill-timeout") + 1] == "30"  # a stuck worker cannot block
    assert "--access-log" not in line
    assert line[-1] == "microcred_web.config.wsgi:application"


def test_the_production_application_freezes_its_start_up_objects() -> None:
    """config/wsgi.py: lean routes in front of Django, and the start-up objects hidden from
    the garbage collector (full collections then skip them)."""
    import gc

    from microcred_web.common.lean import LeanRoutes

    gc.unfreeze()
    try:
        from microcred_web.config import wsgi

        importlib.reload(wsgi)
        assert isinstance(wsgi.application, LeanRoutes)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
