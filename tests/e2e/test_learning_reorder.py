"""An author reorders a module's blocks with the keyboard only and by drag and drop; the order
is saved, survives a reload and is the order the learner preview shows."""

from __future__ import annotations

import re

import pytest
from browser_steps import sign_in
from learning_steps import ModuleSpec, author_course
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
TEXTS = ("Alpha: check the pallet", "Bravo: bend your knees", "Charlie: lift with your legs")


@pytest.fixture
def author(transactional_db) -> str:
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services

    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    services.membership_add(organisation=org, user=admin, roles=("admin",))
    return org.slug


def named(action: str, position: int) -> re.Pattern[str]:
    """A move button's accessible name, e.g. "Move down: Text 1" (Chromium adds a space before
    the visually hidden part)."""
    return re.compile(rf"^{action}\s?: Text {position}$")


def block_order(page: Page) -> list[str]:
    previews = page.locator(".block-list > li .block-preview").all_inner_texts()
    return [next(t for t in TEXTS if t in preview) for preview in previews]


def preview_order(page: Page) -> list[str]:
    text = page.locator("main").inner_text()
    return sorted(TEXTS, key=text.index)


def saved(page: Page):
    return page.expect_response(lambda r: r.url.endswith("/blocks/order/") and r.ok)


def test_blocks_reorder_by_keyboard_and_drag_and_drop(page: Page, live_server, author, shot):
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    course_path = author_course(
        page, author, "Safe lifting", modules=[ModuleSpec("Lifting basics", TEXTS)]
    )
    page.goto(course_path)
    page.get_by_role("link", name="Lifting basics").first.click()
    expect(page.locator("h1")).to_have_text("Lifting basics")
    module_url = page.url
    assert block_order(page) == list(TEXTS)
    status = page.locator("#reorder-status")
    expect(status).to_have_attribute("aria-live", "polite")

    # (a) keyboard only: focus the first block's "Move down" and press Enter, then Space
    first_down = page.get_by_role("button", name=named("Move down", 1))
    first_down.focus()
    with saved(page):
        page.keyboard.press("Enter")
    assert block_order(page) == [TEXTS[1], TEXTS[0], TEXTS[2]]
    moved = page.locator(".block-list > li").nth(1)
    expect(moved.locator("[data-move='down']")).to_be_focused()
    expect(status).to_have_text("Moved to position 2 of 3.")
    # the buttons' names follow the new positions
    expect(moved.get_by_role("button", name=named("Move down", 2))).to_be_focused()
    with saved(page):
        page.keyboard.press("Space")
    assert block_order(page) == [TEXTS[1], TEXTS[2], TEXTS[0]]
    last = page.locator(".block-list > li").nth(2)
    # "Move down" is now disabled, so focus moves to the same block's "Move up"
    expect(last.locator("[data-move='down']")).to_be_disabled()
    expect(last.locator("[data-move='up']")).to_be_focused()
    expect(status).to_have_text("Moved to position 3 of 3.")
    shot("learning-reorder-keyboard")

    page.goto(module_url)
    assert block_order(page) == [TEXTS[1], TEXTS[2], TEXTS[0]]

    # (b) drag and drop: drag the last block (Alpha) onto the top half of the first one
    items = page.locator(".block-list > li")
    with saved(page):
        items.nth(2).locator(".handle").drag_to(items.nth(0), target_position={"x": 40, "y": 5})
    assert block_order(page) == [TEXTS[0], TEXTS[1], TEXTS[2]]
    expect(status).to_have_text("Moved to position 1 of 3.")

    page.reload()
    assert block_order(page) == list(TEXTS)
    expect(items.nth(0).locator("[data-move='up']")).to_be_disabled()
    shot("learning-reorder-dragged")

    # the learner preview shows the saved order
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page).to_have_url(re.compile(r"/preview/"))
    expect(page.locator("main")).to_contain_text(TEXTS[2])
    assert preview_order(page) == list(TEXTS)
