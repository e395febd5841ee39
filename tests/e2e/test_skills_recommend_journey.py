"""Recommendations and career paths in Chromium, on the demo data.

Zoë (a warehouse operative aiming at team lead) sees her recommendations with their reasons,
dismisses one with a reason (HTMX: the card disappears, it is listed as set aside, and comes
back on request), and explores the path to team lead. Her manager assigns her the
recommended course with a due date in one click; the course then carries the due date.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser_steps import sign_in
from django.utils import timezone
from playwright.sync_api import Browser, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
COURSE = "Stock control essentials"


def test_recommend_dismiss_explore_and_assign(
    signed_in, browser: Browser, live_server, demo_password, shot
) -> None:
    learner = signed_in("learner@northwind.example")
    learner.goto("/o/northwind/skills/mine/")
    card = learner.locator("#recommended-card")
    expect(card).to_contain_text(COURSE)
    card.get_by_role("link", name="All recommendations").click()
    course = learner.locator("li.recommendation", has_text=COURSE)
    expect(course).to_contain_text(
        "Warehouse team lead needs Perform stock control at level 3; you do not hold it yet."
    )
    shot("skills-recommended")
    assert serious_violations(learner) == []

    course.get_by_text("Not for me").click()
    course.get_by_label("Too long for me now").check()
    course.get_by_role("button", name="Dismiss").click()
    expect(learner.locator("li.recommendation", has_text=COURSE)).to_have_count(0)
    learner.reload()
    expect(learner.locator("#dismissed")).to_contain_text(COURSE)
    learner.locator("#dismissed li", has_text=COURSE).get_by_role(
        "button", name="Show again"
    ).click()
    expect(learner.locator("li.recommendation", has_text=COURSE)).to_have_count(1)

    learner.get_by_role("link", name="Explore career paths").click()
    path = learner.locator("#career-path")
    expect(path).to_contain_text("Warehouse team lead")
    expect(learner.locator("#path-steps")).to_contain_text("Stock")
    shot("skills-career-path")
    assert serious_violations(learner) == []

    manager = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    manager.set_default_timeout(15_000)
    sign_in(manager, "manager@northwind.example", demo_password)
    manager.wait_for_url("**/o/**")
    manager.goto("/o/northwind/skills/team/")
    manager.get_by_role("link", name="Recommendations for my team").click()
    person = manager.locator("section", has_text="Zoë Dubois")
    item = person.locator("li.team-recommendation", has_text=COURSE)
    due = (timezone.localdate() + timedelta(days=21)).isoformat()
    item.get_by_label("Due date").fill(due)
    item.get_by_role("button", name="Assign").click()
    expect(manager.locator("#messages")).to_contain_text(f"Assigned “{COURSE}” to Zoë Dubois")
    assert serious_violations(manager) == []

    learner.goto("/o/northwind/skills/mine/recommended/")
    expect(learner.locator("li.recommendation", has_text=COURSE)).to_contain_text("due")
