"""``{% public_skills_url person as url %}``: the person's public skills page, or "" — for the
wallet's public profile, a lower app that cannot import skills."""

from __future__ import annotations

from typing import Any

from django import template

from microcred_web.skills.public_skills import public_page_url

register = template.Library()


@register.simple_tag
def public_skills_url(person: Any) -> str:
    return public_page_url(user=person) if person is not None else ""
