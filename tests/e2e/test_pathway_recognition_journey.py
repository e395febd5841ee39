"""Recognition of a credential from elsewhere, in Chromium.

Acme publishes a pathway whose "Options" step lists "First aid". Globex (another issuer) awarded
Zoë its own First Aid badge. Acme's admin recognises Globex's badge as "First aid" in the
pathway editor; Zoë imports the badge into her wallet (it verifies) and her map shows the step
done through it; a tampered copy is listed as not counting, with the reason. No serious
axe-core violations on the editor or the map.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _published(org: Any, admin: Any, name: str) -> Any:
    from microcred_web.achievements import services as achievements

    values = {
        "name": name,
        "description": f"{name}.",
        "criteria": "Done.",
        "achievement_type": "Badge",
    }
    achievement = achievements.achievement_create(organisation=org, actor=admin, values=values)
    achievements.achievement_publish(achievement=achievement, actor=admin)
    achievement.refresh_from_db()
    return achievement


@pytest.fixture
def world(transactional_db, settings, live_server) -> dict[str, Any]:
    from microcred_web.accounts.models import User
    from microcred_web.issuing.services import RecipientInput, credentials_issue
    from microcred_web.orgs import services
    from microcred_web.pathways import services as pathways

    settings.BASE_URL = live_server.url
    acme = services.organisation_create(name="Acme Logistics", slug="acme")
    globex = services.organisation_create(name="Globex Safety", slug="globex")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    other = User.objects.create_user("admin@globex.example", PASSWORD, display_name="Gil")
    learner = User.objects.create_user("zoe@acme.example", PASSWORD, display_name="Zoë Dubois")
    services.membership_add(organisation=acme, user=admin, roles=("admin",))
    services.membership_add(organisation=globex, user=other, roles=("admin",))
    services.membership_add(organisation=acme, user=learner, roles=("learner",))
    parts = {n: _published(acme, admin, n) for n in ("Forklift", "First aid", "Fire warden")}
    goal = _published(acme, admin, "Team Lead Certificate")
    pathway = pathways.pathway_create(
        organisation=acme, actor=admin, name="Warehouse Team Lead", description="", goal=goal
    )
    pathways.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Core",
        kind="required",
        achievements=[parts["Forklift"]],
    )
    pathways.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Options",
        kind="elective",
        achievements=[parts["First aid"], parts["Fire warden"]],
        n=1,
    )
    pathways.pathway_publish(pathway=pathway, actor=admin)
    badge = _published(globex, other, "Emergency First Aid at Work")
    [credential] = credentials_issue(
        organisation=globex,
        achievement_version=badge.current_version,
        recipients=[RecipientInput(email=learner.email, name="Zoë Dubois")],
        actor=other,
        source="ui",
    )
    return {"pathway": pathway, "badge": credential.document, "globex": globex}


def test_an_external_badge_is_recognised_and_counts(
    page: Page, browser: Browser, live_server, world, tmp_path
) -> None:
    from microcred_web.issuing.identity import issuer_did

    badge = world["badge"]
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    page.goto(f"/o/acme/pathways/manage/{world['pathway'].pk}/")
    form = page.locator("#add-recognition")
    form.get_by_label("It counts as").select_option(label="First aid")
    form.get_by_label("Issuer id").fill(issuer_did(world["globex"]))
    form.get_by_label("Achievement id").fill(badge["credentialSubject"]["achievement"]["id"])
    form.get_by_label("Credit recognised").fill("2")
    form.get_by_role("button", name="Recognise it").click()
    expect(page.locator("#recognition-list")).to_contain_text("counts as “First aid”")
    assert serious_violations(page) == []

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    learner = context.new_page()
    learner.set_default_timeout(15_000)
    sign_in(learner, "zoe@acme.example", PASSWORD)
    learner.wait_for_url("**/o/acme/**")
    genuine = tmp_path / "first-aid.json"
    genuine.write_text(json.dumps(badge))
    tampered = dict(badge, name="First Aid (edited)")
    forged = tmp_path / "first-aid-edited.json"
    forged.write_text(json.dumps(tampered))
    for path in (genuine, forged):
        learner.goto("/wallet/import/")
        learner.get_by_label("Credential file").set_input_files(str(path))
        learner.locator("#import-file-form").get_by_role("button", name="Import").click()
        learner.wait_for_load_state()
    learner.goto(f"/o/acme/pathways/{world['pathway'].public_id}/")
    learner.locator("#enrol").click()
    expect(learner.locator("#step-options")).to_have_attribute("data-state", "done")
    expect(learner.locator("#recognised-list li[data-counts=yes]")).to_contain_text(
        "counts as “First aid” in the step “Options”"
    )
    expect(learner.locator("#recognised-list li[data-counts=no]")).to_contain_text(
        "it was changed after it was signed"
    )
    assert serious_violations(learner) == []
    context.close()
