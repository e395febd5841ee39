from __future__ import annotations

import re

import pytest
from browser_steps import sign_in
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ALL_SECTIONS = {
    "My learning",
    "My team",
    "Assessments",
    "Credentials",
    "People",
    "Teams",
    "Settings",
    "Audit log",
}
ROLE_SECTIONS = {
    "admin@northwind.example": {
        "Assessments",
        "Credentials",
        "People",
        "Teams",
        "Settings",
        "Audit log",
    },
    "issuer@northwind.example": {"Credentials"},
    "assessor@northwind.example": {"Assessments"},
    "manager@northwind.example": {"My team"},
    "learner@northwind.example": {"My learning"},
}


def nav_labels(page: Page) -> set[str]:
    nav = page.get_by_role("navigation", name="Sections")
    return {text.strip() for text in nav.get_by_role("link").all_inner_texts()}


@pytest.mark.parametrize("email", sorted(ROLE_SECTIONS))
def test_each_demo_role_sees_only_its_sections(signed_in, shot, email: str) -> None:
    page = signed_in(email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    labels = nav_labels(page)
    assert labels & ALL_SECTIONS == ROLE_SECTIONS[email]
    assert "Home" in labels
    role = email.split("@")[0]
    shot(f"dashboard-{role}")
    for section in ROLE_SECTIONS[email]:
        nav = page.get_by_role("navigation", name="Sections")
        nav.get_by_role("link", name=section, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("nav a[aria-current=page]")).to_have_text(section)
        shot(f"{role}-{section.lower().replace(' ', '-')}")


def test_learner_gets_403_on_an_admin_page(signed_in) -> None:
    page = signed_in("learner@northwind.example")
    response = page.goto("/o/northwind/people/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    response = page.goto("/o/contoso/")
    assert response is not None and response.status == 404


def test_invitation_accepted_end_to_end(signed_in, page: Page, shot) -> None:
    signed_in("admin@northwind.example")
    page.goto("/o/northwind/people/invite/")
    page.get_by_label("E-mail address").fill("noemie.faure@example.com")
    page.get_by_label("Learner").check()
    page.get_by_label("Issuer").check()
    page.get_by_label("Team").select_option(label="Warehouse Operations")
    shot("invite-form")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to noemie.faure@example.com"
    )
    shot("people")
    invitations = [m for m in mail.outbox if m.to == ["noemie.faure@example.com"]]
    assert len(invitations) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", invitations[0].body)
    assert link is not None
    path = link.group(0).split("/invitations/", 1)[1]

    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.goto(f"/invitations/{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Northwind Logistics")
    shot("invitation-accept")
    page.get_by_label("Your name").fill("Noémie Faure")
    page.get_by_label("Choose a password").fill("une-phrase-de-passe-99")
    page.get_by_label("Repeat the password").fill("une-phrase-de-passe-99")
    page.get_by_role("button", name="Create my account and join").click()
    page.wait_for_url("**/o/northwind/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Northwind Logistics!")
    assert nav_labels(page) & ALL_SECTIONS == {"My learning", "Credentials"}
    response = page.goto(f"/invitations/{path}")
    assert response is not None and response.status == 410
    expect(page.get_by_role("alert")).to_contain_text("already been accepted")


def test_failed_sign_ins_are_throttled(page: Page, demo, demo_password, shot) -> None:
    page.goto("/accounts/sign-in/")
    for _ in range(5):
        page.get_by_label("E-mail address").fill("issuer@northwind.example")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Password").fill(demo_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    shot("sign-in-throttled")
    assert "/accounts/sign-in/" in page.url


def test_language_switch_to_french(signed_in, shot) -> None:
    page = signed_in("manager@northwind.example")
    page.get_by_label("Display language").select_option("fr")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("navigation", name="Rubriques")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Mon équipe").first).to_be_visible()
    shot("dashboard-manager-fr")
    page.goto("/accounts/profile/")
    expect(page.get_by_label("Langue", exact=True)).to_have_value("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    shot("profile-fr")


def test_person_in_two_organisations_can_switch(page: Page, demo, demo_password, shot) -> None:
    sign_in(page, "ines.benali@northwind.example", demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose an organisation")
    shot("choose-organisation")
    page.get_by_role("link", name="Contoso Freight").click()
    expect(page.get_by_role("link", name="Contoso Freight").first).to_be_visible()
    page.locator("#org-switcher summary").click()
    page.locator("#org-switcher").get_by_role("link", name="Northwind Logistics").click()
    page.wait_for_url("**/o/northwind/")
    expect(page.locator(".brand")).to_have_text("Northwind Logistics")
