"""Recognition credit, in Chromium.

Acme's pathway has a credit step "Leading people": 6 CPD hours from Coaching (4) or Rota
planning (3). Globex (another issuer on this instance, signing with its own key) awarded Zoë
its "Coaching skills" badge. Acme's admin recognises it in the pathway editor as Coaching for 5
CPD hours; Zoë imports the badge, her map says it counts for 5 CPD hours and the step's credit
bar moves from 0 to 5 of 6; a tampered copy is listed as not counting, with the reason.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _published(org: Any, admin: Any, name: str, **values: Any) -> Any:
    from microcred_web.achievements import services as achievements

    values = {
        "name": name,
        "description": f"{name}.",
        "criteria": "Done.",
        "achievement_type": "Badge",
        **values,
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
    cpd = {"credit_system": "CPD hours"}
    coaching = _published(acme, admin, "Coaching", credits="4", **cpd)
    rota = _published(acme, admin, "Rota planning", credits="3", **cpd)
    goal = _published(acme, admin, "Shift Lead Certificate")
    pathway = pathways.pathway_create(
        organisation=acme, actor=admin, name="Shift Lead", description="", goal=goal
    )
    pathways.pathway_step_add(
        pathway=pathway,
        actor=admin,
        title="Leading people",
        kind="credit",
        achievements=[coaching, rota],
        system="CPD hours",
        target=6,
    )
    pathways.pathway_publish(pathway=pathway, actor=admin)
    badge = _published(globex, other, "Coaching skills")
    [credential] = credentials_issue(
        organisation=globex,
        achievement_version=badge.current_version,
        recipients=[RecipientInput(email=learner.email, name="Zoë Dubois")],
        actor=other,
        source="ui",
    )
    pathway.refresh_from_db()
    step_id = pathway.published_version.definition.steps[0].id
    return {"pathway": pathway, "badge": credential.document, "globex": globex, "step": step_id}


def test_a_recognised_badge_counts_its_credit_and_a_tampered_copy_does_not(
    page: Page, browser: Browser, live_server, world, tmp_path
) -> None:
    from microcred_web.issuing.identity import issuer_did

    badge, step = world["badge"], world["step"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    page.goto(f"/o/acme/pathways/manage/{world['pathway'].pk}/")
    form = page.locator("#add-recognition")
    form.get_by_label("It counts as").select_option(label="Coaching")
    form.get_by_label("Issuer id").fill(issuer_did(world["globex"]))
    form.get_by_label("Achievement id").fill(badge["credentialSubject"]["achievement"]["id"])
    form.get_by_label("Credit in CPD hours").fill("5")
    form.get_by_role("button", name="Recognise it").click()
    expect(page.locator("#recognition-list")).to_contain_text("counts as “Coaching”, 5 CPD hours")
    page.screenshot(path=str(SHOTS / "recognition-credit-editor.png"), full_page=True)
    assert serious_violations(page) == []

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    learner = context.new_page()
    learner.set_default_timeout(15_000)
    sign_in(learner, "zoe@acme.example", PASSWORD)
    learner.wait_for_url("**/o/acme/**")
    learner.goto(f"/o/acme/pathways/{world['pathway'].public_id}/")
    learner.locator("#enrol").click()
    card = learner.locator(f"#step-{step}")
    expect(card).to_have_attribute("data-state", "available")
    expect(card.locator("progress")).to_have_attribute("value", "0")
    expect(card).to_contain_text("0 of 6 CPD hours credits")

    genuine = tmp_path / "coaching.json"
    genuine.write_text(json.dumps(badge))
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["achievement"]["name"] = "Coaching skills (advanced)"
    forged = tmp_path / "coaching-edited.json"
    forged.write_text(json.dumps(tampered))
    for path in (genuine, forged):
        learner.goto("/wallet/import/")
        learner.get_by_label("Credential file").set_input_files(str(path))
        learner.locator("#import-file-form").get_by_role("button", name="Import").click()
        learner.wait_for_url("**/wallet/imported/**")

    learner.goto(f"/o/acme/pathways/{world['pathway'].public_id}/map/")
    expect(card).to_have_attribute("data-state", "in_progress")
    expect(card).to_contain_text("5 of 6 CPD hours credits")  # the recognised 5, not the 4
    value = int(card.locator("progress").get_attribute("value") or "0")
    assert value > 0
    expect(learner.locator("#credit-so-far")).to_contain_text("5 of 6")
    counted = learner.locator("#recognised-list li[data-counts=yes]")
    expect(counted).to_contain_text(
        "counts as “Coaching” in the step “Leading people” for 5 CPD hours"
    )
    refused = learner.locator("#recognised-list li[data-counts=no]")
    expect(refused).to_contain_text(
        "does not count toward “Leading people”: it was changed after it was signed"
    )
    learner.screenshot(path=str(SHOTS / "recognition-credit-map.png"), full_page=True)
    assert serious_violations(learner) == []
    context.close()
