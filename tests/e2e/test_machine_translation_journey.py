"""An admin picks LibreTranslate as the organisation's translation service (a local fake of
its API, tests/web/learning/mt_fakes.py), pre-fills the Spanish translation of a course, is
refused publishing while machine texts are unreviewed, corrects one, accepts the others, and
publishes."""

from __future__ import annotations

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect
from test_accessibility import serious_violations
from tests.web.learning import mt_fakes

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def course(transactional_db, settings, live_server):
    from microcred_web.accounts.models import User
    from microcred_web.learning import services as learning
    from microcred_web.orgs import services

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    course = learning.course_create(
        organisation=org,
        actor=admin,
        values={"title": "Safe lifting", "summary": "Plan the route first.", "duration_minutes": 9},
    )
    module = learning.module_create(course=course, actor=admin, title="Before you lift")
    learning.block_create(
        module=module,
        actor=admin,
        kind="text",
        values={"body": "Hello {name}, read [the guide](https://example.org/guide)."},
    )
    return course


def test_machine_translation_is_reviewed_before_publishing(
    page: Page, course, settings, shot
) -> None:
    with mt_fakes.serve("libretranslate") as fake:
        settings.MICROCRED_MT_ALLOWED_HOSTS = [fake.host]
        sign_in(page, "admin@acme.example", PASSWORD)
        page.goto("/o/acme/learning/translation-service/")
        page.get_by_label("Engine").select_option("libretranslate")
        page.get_by_label("Service address").fill(fake.base)
        page.get_by_label("API key", exact=True).fill("libre-key")
        page.get_by_label("Language pairs offered").fill("en-es")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("API key ending in …-key")).to_be_visible()
        expect(page.get_by_label("API key", exact=True)).to_have_value("")
        shot("mt-service")
        assert serious_violations(page) == []

        base = f"/o/acme/learning/courses/{course.pk}"
        page.goto(f"{base}/translations/")
        machine = page.get_by_role("region", name="Or pre-fill with a translation service")
        expect(machine.get_by_label("Target language")).to_have_value("es")  # the offered pair
        machine.get_by_label("Translation service").select_option("service")
        machine.get_by_role("button", name="Fill untranslated texts").click()
    expect(page.get_by_text("4 texts translated by machine")).to_be_visible()
    expect(page.locator(".status", has_text="Machine, needs review")).to_have_count(4)
    expect(page.locator("#text-m1\\.b1\\.body")).to_have_value(
        "hola {name}, lee [la guía](https://example.org/guide)."
    )
    shot("mt-review")
    assert serious_violations(page) == []

    page.goto(base + "/")
    page.locator("form[action$='/publish/'] button").click()
    expect(page.get_by_text("need a review before publishing: course.title")).to_be_visible()

    page.goto(f"{base}/translations/")
    expect(page.get_by_text("4 machine translations need a review")).to_be_visible()
    shot("mt-translations")
    page.goto(f"{base}/translations/es/review/?machine=1")
    page.locator("#text-course\\.title").fill("Levantar con seguridad")
    page.locator("#unit-course\\.title").get_by_role("button").click()
    expect(page.locator(".status", has_text="Machine, needs review")).to_have_count(3)
    for _ in range(3):
        page.get_by_role("button", name="Accept as reviewed").first.click()
    expect(page.get_by_text("No machine translation awaits review.")).to_be_visible()

    page.goto(base + "/")
    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator("#course-status")).to_have_text("Published")
    course.refresh_from_db()
    assert course.translations["es"]["title"] == "Levantar con seguridad"
