"""The admin reads the audit log in words and narrows it with the filters (issue 16, item 8)."""

from __future__ import annotations

from axe_steps import serious_violations
from playwright.sync_api import Page, expect

ADMIN = "admin@northwind.example"


def test_admin_filters_the_audit_log(signed_in, shot) -> None:
    page: Page = signed_in(ADMIN)
    page.goto("/o/northwind/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    rows = page.locator("table.audit-log tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("table.audit-log")).not_to_contain_text("achievements.achievement_")
    shot("audit-all")
    assert serious_violations(page) == []

    page.get_by_label("What").select_option(label="Achievement published")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**what=achievements.achievement_published**")
    count = rows.count()
    assert count > 0
    for index in range(count):
        expect(rows.nth(index).locator("td").nth(1)).to_have_text("Achievement published")
        expect(rows.nth(index).locator("td").nth(2)).to_contain_text("published the achievement ‘")
    download = page.get_by_role("link", name="Download CSV")
    assert "what=achievements.achievement_published" in (download.get_attribute("href") or "")

    page.get_by_label("From").fill("2001-01-02")
    page.get_by_label("To").fill("2001-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#id_until_error")).to_contain_text("before the start date")
    shot("audit-filtered")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_label("What")).to_have_value("")
