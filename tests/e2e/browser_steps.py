"""Steps shared by the Chromium journeys (a uniquely named module: conftest names collide)."""

from __future__ import annotations

from playwright.sync_api import Page


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
