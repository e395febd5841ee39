"""``{{ thing|localised:"name" }}``: a field in the active language where the thing has a
translation (achievements and courses keep ``translations = {"fr": {"name": ...}}``; an
achievement version reads its achievement's)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

register = template.Library()


def localised_text(thing: Any, field_name: str, language: str | None = None) -> str:
    """``thing.<field_name>`` in ``language`` (default: the active one) when translated."""
    value = str(getattr(thing, field_name, "") or "")
    language = (language or translation.get_language() or "").lower()
    if not language or thing is None:
        return value
    translations = getattr(thing, "translations", None)
    if translations is None and getattr(thing, "achievement", None) is not None:
        translations = getattr(thing.achievement, "translations", None)
    if not isinstance(translations, dict):
        return value
    own = str(getattr(thing, "language", "") or "").lower()
    for code in (language, language.split("-")[0]):
        if code == own:
            return value
        texts = translations.get(code)
        if isinstance(texts, dict) and str(texts.get(field_name) or "").strip():
            return str(texts[field_name]).strip()
    return value


@register.filter(name="localised")
def localised(thing: Any, field_name: str) -> str:
    return localised_text(thing, field_name)
