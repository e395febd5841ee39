"""The assessment settings and requirements pages are in the admin's navigation (issue 16,
item 6), and only in the admin's."""

from __future__ import annotations

from django.urls import reverse


def _nav(html: str) -> str:
    return html.split('aria-label="Sections"', 1)[1].split("</nav>", 1)[0]


def test_the_admin_reaches_requirements_and_settings_from_the_navigation(client, world) -> None:
    slug = world.org.slug
    requirements = reverse("assessments:requirements", kwargs={"slug": slug})
    settings = reverse("assessments:policy", kwargs={"slug": slug})
    client.force_login(world.people["admin"])
    nav = _nav(client.get(reverse("orgs:dashboard", kwargs={"slug": slug})).content.decode())
    assert f'href="{requirements}"' in nav and f'href="{settings}"' in nav
    on_settings = _nav(client.get(settings).content.decode())
    assert 'aria-current="page">Assessment settings<' in on_settings
    on_requirements = _nav(client.get(requirements).content.decode())
    assert 'aria-current="page">Requirements<' in on_requirements

    for role in ("assessor", "manager", "issuer", "learner"):
        client.force_login(world.people[role])
        nav = _nav(client.get(reverse("orgs:dashboard", kwargs={"slug": slug})).content.decode())
        assert requirements not in nav and settings not in nav, role
