"""An achievement's texts in the visitor's language, where its issuer wrote a translation.

A version's Achievement JSON is frozen in the achievement's own language (credentials are
monolingual, decision 0022); the translations the issuer keeps on the achievement are shown to
people reading the public pages in another language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

from microcred_web.achievements.eu_words import eu_rows


def _base(language: str | None) -> str:
    return (language or "").split("-")[0].lower()


def translation_for(
    translations: Any, *, written_in: str, language: str | None = None
) -> dict[str, str]:
    """The issuer's translation into ``language`` (default: the active one), empty when the
    achievement is written in that language or has no translation into it."""
    wanted = _base(language or get_language())
    if not wanted or wanted == _base(written_in) or not isinstance(translations, Mapping):
        return {}
    entry = translations.get(wanted)
    if not isinstance(entry, Mapping):
        return {}
    return {str(key): str(value) for key, value in entry.items() if str(value or "").strip()}


def localised_texts(achievement_json: Mapping[str, Any], translations: Any) -> dict[str, Any]:
    """``{"name", "description", "criteria", "language", "eu_rows"}`` of an Achievement JSON,
    with the translated texts where the issuer wrote them (``language`` is that of the name)."""
    written_in = str(achievement_json.get("inLanguage") or "")
    criteria = achievement_json.get("criteria")
    texts = {
        "name": str(achievement_json.get("name") or ""),
        "description": str(achievement_json.get("description") or ""),
        "criteria": str(criteria.get("narrative") or "") if isinstance(criteria, Mapping) else "",
    }
    translated = translation_for(translations, written_in=written_in)
    rows = eu_rows(achievement_json)
    outcomes = [line.strip() for line in translated.get("learning_outcomes", "").splitlines()]
    outcomes = [line for line in outcomes if line]
    if outcomes:
        rows = [
            {**row, "values": outcomes} if row["element"] == "learningOutcome" else row
            for row in rows
        ]
    texts.update(
        {key: translated[key] for key in ("name", "description", "criteria") if key in translated}
    )
    same = all(key not in translated for key in ("name", "description", "criteria"))
    return {**texts, "language": written_in if same else _base(get_language()), "eu_rows": rows}
