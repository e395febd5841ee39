"""Assessed credentials in Chromium, on the Northwind demo: a portfolio assessed with a rubric,
resubmitted, moderated and issued; an RPL claim granted; an observation signed off by a
manager and countersigned; a credential near expiry renewed (the clock injected)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from browser_steps import sign_in
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

ORG = "/o/northwind"
Person = Callable[[str], Page]


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server is the site: identifiers (DIDs, status lists) are made for it."""
    settings.BASE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture
def person(browser: Browser, site: str, demo, demo_password) -> Person:
    """A signed-in page per person, each in its own browser context (own cookies)."""
    pages: dict[str, Page] = {}

    def as_(email: str) -> Page:
        if email not in pages:
            context = browser.new_context(base_url=site, locale="en-GB")
            page = context.new_page()
            page.set_default_timeout(15_000)
            sign_in(page, email, demo_password)
            page.wait_for_url("**/o/**")
            pages[email] = page
        return pages[email]

    yield as_
    for page in pages.values():
        page.context.close()


@pytest.fixture
def snap() -> Callable[[Page, str], None]:
    shots = Path("/tmp/shots")

    def take(page: Page, name: str) -> None:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"assess-{name}.png"), full_page=True)

    return take


def _nav(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Sections").get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "complaint-call-notes.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def _credential_json(page: Page) -> dict:
    link = page.get_by_role("link", name="Signed credential (JSON)")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.ok
    return response.json()


def _verified(document: dict) -> str:
    from microcred_web.issuing.verification import credential_verify

    return credential_verify(document, now=timezone.now()).verdict


def test_portfolio_feedback_resubmission_moderation_and_credential(
    person: Person, snap, tmp_path: Path
) -> None:
    from microcred_web.issuing.models import Credential

    # the admin moderates every "competent" decision before it counts
    admin = person("admin@northwind.example")
    _nav(admin, "Assessments")
    snap(admin, "01-admin-queue-empty")
    _nav(admin, "Assessment settings")  # in the admin's navigation (issue 16)
    admin.get_by_label("Share of competent decisions moderated").fill("100")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator("#messages")).to_contain_text("Assessment settings saved")
    snap(admin, "02-admin-settings")

    learner = person("learner@northwind.example")
    _nav(learner, "My evidence")
    snap(learner, "03-learner-my-evidence")
    learner.get_by_role("listitem").filter(has_text="Customer care portfolio").get_by_role(
        "button", name="Start evidence"
    ).click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Customer care portfolio")
    learner.get_by_label("Add a file").set_input_files(str(_pdf(tmp_path)))
    learner.get_by_role("button", name="Upload").click()
    expect(learner.locator("#files")).to_contain_text("complaint-call-notes.pdf")
    learner.get_by_label("Reflection: Resolves a complaint").fill(
        "A customer's pallet arrived damaged; I listened, confirmed the claim and agreed a refund."
    )
    learner.get_by_label("Reflection: Writes a clear follow-up").fill(
        "I wrote the follow-up e-mail the same day with the refund date."
    )
    learner.locator("#link-0-url").fill("https://example.org/recording-42")
    learner.locator("#link-0-title").fill("Call recording (anonymised)")
    learner.get_by_label("Show my reflections and links publicly").check()
    learner.get_by_role("button", name="Save draft").click()
    expect(learner.locator("#messages")).to_contain_text("Draft saved")
    snap(learner, "04-learner-draft")
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator("#assessment-status")).to_have_text("Submitted")
    snap(learner, "05-learner-submitted")

    # the assessor finds it in the queue, takes it and asks for more
    assessor = person("assessor@northwind.example")
    expect(assessor.locator("#notification-count")).to_have_text("1")
    _nav(assessor, "Assessments")
    snap(assessor, "06-assessor-queue")
    assessor.get_by_role("link", name="Zoë Dubois").click()
    assessor.get_by_role("button", name="Take this assessment").click()
    expect(assessor.locator("#messages")).to_contain_text("Assignment saved")
    snap(assessor, "07-assessor-review")
    complaint = assessor.get_by_role("group", name="Resolves a complaint")
    complaint.get_by_label("Not yet").check()
    complaint.get_by_label("Feedback on Resolves a complaint").fill(
        "Say how you confirmed the customer's need before offering the refund."
    )
    assessor.get_by_role("group", name="Writes a clear follow-up").get_by_label("Competent").check()
    assessor.get_by_label("Overall feedback").fill("Nearly there: one more detail, please.")
    assessor.get_by_role("group", name="Your decision").get_by_label("Not yet competent").check()
    assessor.get_by_role("button", name="Record decision").click()
    expect(assessor.locator("#messages")).to_contain_text("Decision recorded")

    # the learner reads the feedback and resubmits
    learner.reload()
    expect(learner.locator("#notification-count")).to_be_visible()
    _nav(learner, "Notifications")
    snap(learner, "08-learner-notifications")
    learner.get_by_role("link", name=re.compile("Feedback on .Customer care portfolio")).click()
    expect(learner.locator("#assessment-status")).to_have_text("Not yet competent")
    expect(learner.locator("#trail")).to_contain_text("Say how you confirmed the customer's need")
    snap(learner, "09-learner-feedback")
    learner.get_by_label("Reflection: Resolves a complaint").fill(
        "A customer's pallet arrived damaged. I repeated the problem back to her, checked the "
        "delivery photos with her on the call, and only then agreed the refund."
    )
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator("#assessment-status")).to_have_text("Submitted")

    # the assessor accepts; the sample sends it to the moderator
    assessor.goto(f"{ORG}/assessments/queue/")
    assessor.get_by_role("link", name="Zoë Dubois").click()
    expect(assessor.locator("#submission-2")).to_be_visible()
    for criterion in ("Resolves a complaint", "Writes a clear follow-up"):
        assessor.get_by_role("group", name=criterion).get_by_label("Exemplary").check()
    assessor.get_by_role("group", name="Your decision").get_by_label(
        "Competent", exact=True
    ).check()
    assessor.get_by_role("button", name="Record decision").click()
    expect(assessor.locator("#messages")).to_contain_text("Decision recorded")
    assert not Credential.objects.filter(source="assessment").exists()

    # the moderator (the admin) sees the whole decision trail and confirms
    admin.goto(f"{ORG}/assessments/queue/")
    expect(admin.locator("tbody")).to_contain_text("In moderation")
    admin.get_by_role("link", name="Zoë Dubois").click()
    trail = admin.locator("#trail")
    expect(trail.locator("article")).to_have_count(2)
    expect(trail).to_contain_text("Not yet competent")
    expect(trail).to_contain_text("Siobhán O'Connor")
    admin.get_by_label("Moderator").select_option(label="Amélie Laurent")
    admin.get_by_role("button", name="Assign").click()
    expect(admin.locator("#messages")).to_contain_text("Assignment saved")
    moderation = admin.locator("#moderation-form")
    moderation.get_by_label("Competent", exact=True).check()
    moderation.get_by_label("Reason").fill("Evidence and levels agree with the standard.")
    moderation.get_by_role("button", name="Record moderation").click()
    expect(admin.locator("#assessment-status")).to_have_text("Competent")
    expect(trail.locator("article")).to_have_count(3)
    snap(admin, "10-moderator-trail")

    # the credential is issued with the rubric result and the evidence; it verifies
    credential = Credential.objects.get(source="assessment")
    learner.goto(f"{ORG}/evidence/")
    learner.get_by_role("link", name="Customer Care Essentials").first.click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Customer Care Essentials")
    results = learner.locator("#results")
    expect(results).to_contain_text("Resolves a complaint")
    expect(results).to_contain_text("Exemplary")
    expect(learner.locator("#evidence")).to_contain_text("Siobhán O'Connor")
    snap(learner, "11-learner-credential")
    expect(learner.locator("#verification .bad")).to_have_count(0)
    document = _credential_json(learner)
    assert document["id"].endswith(str(credential.public_id))
    results_json = document["credentialSubject"]["result"]
    assert any(r.get("value") == "100" for r in results_json)
    assert sum(1 for r in results_json if "achievedLevel" in r) == 2
    evidence = document["evidence"][0]
    assert "Siobhán O'Connor" in evidence["narrative"]
    assert evidence["id"].endswith("/")
    assert _verified(document) == "valid"

    # the public evidence page shows the reflections the learner chose to share, no files
    learner.goto(evidence["id"])
    expect(learner.get_by_role("heading", level=1)).to_have_text("Customer care portfolio")
    expect(learner.locator("main")).to_contain_text("delivery photos")
    expect(learner.locator("main")).not_to_contain_text("complaint-call-notes.pdf")
    snap(learner, "12-public-evidence")


def test_rpl_claim_granted(person: Person, snap) -> None:
    from microcred_web.issuing.models import Credential

    learner = person("bjorn.andersson@northwind.example")
    _nav(learner, "My evidence")
    learner.get_by_role("button", name="Claim from prior learning").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Prior customer-service experience"
    )
    learner.get_by_label("Your prior experience or earlier certificate").fill(
        "Three years on the help desk of a parcel carrier; certificate in complaint handling."
    )
    learner.get_by_label("Referee name").fill("Ana Silva")
    learner.get_by_label("Relationship to you").fill("Help-desk supervisor")
    learner.get_by_label("Statement").fill("Björn handled escalated complaints calmly and well.")
    learner.get_by_label("Reflection: Resolves a complaint").fill(
        "I resolved about thirty complaints a week, escalating only refunds above the limit."
    )
    snap(learner, "20-rpl-claim")
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator("#assessment-status")).to_have_text("Submitted")

    assessor = person("assessor@northwind.example")
    _nav(assessor, "Assessments")
    assessor.get_by_role("link", name="Björn Andersson").click()
    assessor.get_by_role("button", name="Take this assessment").click()
    expect(assessor.locator("#latest")).to_contain_text("Ana Silva")
    snap(assessor, "21-rpl-review")
    assessor.get_by_role("group", name="Resolves a complaint").get_by_label("Competent").check()
    assessor.get_by_role("group", name="Your decision").get_by_label(
        "Competent", exact=True
    ).check()
    assessor.get_by_role("button", name="Record decision").click()
    expect(assessor.locator("#messages")).to_contain_text("Decision recorded")

    credential = Credential.objects.get(source="assessment")
    learner.goto(f"/credentials/{credential.public_id}")
    expect(learner.locator("#evidence")).to_contain_text("recognition of prior learning")
    expect(learner.locator("#results")).to_contain_text("Recognition of prior learning")
    snap(learner, "22-rpl-credential")
    document = _credential_json(learner)
    assert {"status": "Completed", "value": "Recognition of prior learning"}.items() <= (
        document["credentialSubject"]["result"][0].items()
    )
    assert document["evidence"][0]["genre"] == "Recognition of prior learning"
    assert _verified(document) == "valid"


def test_observation_signed_off_by_manager_and_countersigned(person: Person, snap) -> None:
    from microcred_web.issuing.models import Credential

    manager = person("manager@northwind.example")
    _nav(manager, "Observations")
    snap(manager, "30-observation-choose")
    manager.get_by_label("What was observed").select_option(
        label="Forklift Safety Level 1: Practical forklift test"
    )
    manager.get_by_role("button", name="Choose").click()
    form = manager.locator("#observation-form")
    form.get_by_label("Learner").select_option(label="Thảo Nguyễn")
    form.get_by_label("Place").fill("Aisle 7, Leeds depot")
    for item in (
        "Pre-use inspection recorded",
        "Lifts and stacks within the rated capacity",
        "Drives safely among pedestrians",
    ):
        form.get_by_label(item).check()
    form.get_by_label("Notes").fill("Calm and careful; sounded the horn at every blind corner.")
    snap(manager, "31-observation-form")
    form.get_by_role("button", name="Sign off").click()
    expect(manager.locator("#messages")).to_contain_text("Awaiting countersignature")
    assert not Credential.objects.filter(source="assessment").exists()

    learner = person("thao.nguyen@northwind.example")
    _nav(learner, "My evidence")
    learner.get_by_role("link", name="Practical forklift test").click()
    expect(learner.locator("#trail")).to_contain_text("Aisle 7, Leeds depot")
    expect(learner.locator("#trail")).to_contain_text("Rafael Núñez")
    snap(learner, "32-observation-countersign")
    learner.get_by_role("button", name="Countersign").click()
    expect(learner.locator("#assessment-status")).to_have_text("Competent")
    expect(learner.locator("#trail")).to_contain_text("countersigned by the learner")

    credential = Credential.objects.get(source="assessment")
    learner.goto(f"/credentials/{credential.public_id}")
    expect(learner.locator("#evidence")).to_contain_text("Observed competent by Rafael Núñez")
    snap(learner, "33-observation-credential")
    assert _verified(_credential_json(learner)) == "valid"


def test_near_expiry_reminder_then_refresher_renews(person: Person, snap) -> None:
    from microcred_web.assessments.recertification import recertification_run
    from microcred_web.issuing.models import Credential
    from microcred_web.notifications.models import Notification

    old = Credential.objects.get(source_key="demo:4")  # Zoë's Dangerous Goods Awareness
    assert old.valid_until is not None
    mail.outbox.clear()
    clock = old.valid_until - timedelta(days=6)
    counts = recertification_run(now=clock)
    assert counts["reminders"] >= 1 and counts["cases"] >= 1
    reminder = [m for m in mail.outbox if m.to == ["learner@northwind.example"]]
    assert any("expires in 6 days" in m.subject for m in reminder)
    assert (
        Notification.objects.filter(
            user__email="learner@northwind.example", kind="due_soon"
        ).count()
        == 2
    )  # the reminder and the opened recertification
    assert recertification_run(now=clock) == {"reminders": 0, "expired": 0, "cases": 0}

    learner = person("learner@northwind.example")
    expect(learner.locator("#notification-count")).to_have_text("2")
    _nav(learner, "Notifications")
    expect(learner.locator("main")).to_contain_text("expires in 6 days")
    expect(learner.locator("main")).to_contain_text("Recertification opened")
    snap(learner, "40-reminders")
    _nav(learner, "My evidence")
    expect(learner.locator("#recertification")).to_contain_text("Refresher observation")
    snap(learner, "41-recertification-open")

    manager = person("manager@northwind.example")
    _nav(manager, "Team expiries")
    # the page runs on the real clock: Mehmet's demo credential has already expired
    expect(manager.locator("tbody tr").filter(has_text="Mehmet Yılmaz")).to_contain_text("expired")
    snap(manager, "42-team-expiries")
    _nav(manager, "Observations")
    manager.get_by_label("What was observed").select_option(
        label="Dangerous Goods Awareness: Refresher observation"
    )
    manager.get_by_role("button", name="Choose").click()
    form = manager.locator("#observation-form")
    form.get_by_label("Learner").select_option(label="Zoë Dubois")
    form.get_by_label("Place").fill("Hazmat cage, Leeds depot")
    form.get_by_label("Checks labels and placards").check()
    form.get_by_label("Uses the spill kit correctly").check()
    form.get_by_role("button", name="Sign off").click()
    expect(manager.locator("#messages")).to_contain_text("Competent")

    old.refresh_from_db()
    renewed = old.recertification.renewed_credential
    assert renewed is not None and old.revoked_at is None
    learner.goto(f"/credentials/{old.public_id}")
    expect(learner.locator("#note-superseded")).to_contain_text("Superseded")
    snap(learner, "43-old-superseded")
    learner.locator("#note-superseded").get_by_role("link").click()
    expect(learner.locator("#note-renews")).to_be_visible()
    document = _credential_json(learner)
    assert any(str(old.public_id) in e.get("id", "") for e in document["evidence"])
    assert _verified(document) == "valid"
    snap(learner, "44-renewed")
    learner.goto(f"{ORG}/evidence/")
    chain = learner.locator(".credential-chain").filter(has_text="Dangerous Goods Awareness")
    expect(chain.locator("li")).to_have_count(2)
    expect(chain.locator("li").nth(1)).to_contain_text("superseded")
    snap(learner, "45-chain")
