"""A French (or Spanish) reader sees no English interface text on any page the journey visits.

Each visible line of a page is compared with the English msgids of the shipped catalogue whose
translation differs: a line equal to one of them is an untranslated interface string (names that
people typed — achievements, skills, teams — are data, and are not msgids).
"""

from __future__ import annotations

import re

import pytest
from browser_steps import sign_in
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

#: section pages a learner and an admin reach from the navigation, plus a few beside it
EXTRA_PAGES = ("/accounts/profile/", "/wallet/", "/notifications/preferences/")


def english_lines(language: str) -> set[str]:
    """English interface strings that read differently in ``language``."""
    with translation.override(language):
        catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
        keys = [k for k in catalog.keys() if isinstance(k, str)]  # noqa: SIM118
        english = set()
        for key in keys:
            value = catalog[key]
            if value == key or "%" in key or "{" in key or "<" in key:
                continue
            if len(key) >= 4 and re.search(r"[A-Za-z]{3}", key):
                english.add(key.strip())
    # a language list names each language in its own words ("English", "Français")
    return english - {name for _code, name in settings.LANGUAGES}


def visible_lines(page: Page) -> set[str]:
    text = page.locator("body").inner_text()
    return {line.strip() for line in text.splitlines() if line.strip()}


def section_urls(page: Page) -> list[str]:
    nav = page.get_by_role("navigation").first
    hrefs = nav.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if h and h.startswith("/")})


def english_on_pages(page: Page, language: str) -> dict[str, set[str]]:
    english = english_lines(language)
    found: dict[str, set[str]] = {}
    urls = [*section_urls(page), *EXTRA_PAGES]
    assert len(urls) >= 6, urls  # the navigation was found
    for url in urls:
        response = page.goto(url)
        if response is None or response.status >= 400:
            continue
        assert page.locator("html").get_attribute("lang") == language, url
        leftovers = visible_lines(page) & english
        if leftovers:
            found[url] = leftovers
    return found


def test_a_french_learner_sees_only_french(page: Page, demo, demo_password, shot) -> None:
    sign_in(page, "francois.lefevre@northwind.example", demo_password)
    assert page.locator("html").get_attribute("lang") == "fr"
    found = english_on_pages(page, "fr")
    shot("french-learner")
    assert found == {}, f"English interface text on French pages: {found}"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_admin_in_another_language_sees_only_that_language(
    page: Page, demo, demo_password, shot, language: str
) -> None:
    sign_in(page, "admin@northwind.example", demo_password)
    page.goto("/accounts/profile/")
    page.locator("select[name=preferred_language]").select_option(language)
    page.locator("select[name=preferred_language]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).first.click()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == language
    found = english_on_pages(page, language)
    shot(f"admin-{language}")
    assert found == {}, f"English interface text on {language} pages: {found}"
