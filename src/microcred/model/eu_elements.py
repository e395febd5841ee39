"""The EU micro-credential elements (Council Recommendation 2022/C 243/02, Annex I) in terms
every verifier has: Open Badges 3.0 ``Alignment`` objects (decision 0022).

Title, provider and date of issue are the credential's own ``name``, ``issuer`` and
``validFrom``. The other elements are alignments of the achievement, told apart by their
``targetType`` (``ext:EUMicroCredential.<element>``, an extension value the OB 3.0 schema
allows):

========================  ======================================================================
element                   alignment
========================  ======================================================================
learningOutcome           one per outcome: ``targetName`` the outcome
creditECTS                ``targetCode`` the credits (``"5"``), ``targetFramework`` ECTS
eqfLevel                  ``targetCode`` the level, ``targetUrl`` the EU's EQF level concept
assessmentType, …         ``targetName`` the text (participation mode, quality assurance,
                          prerequisites — one each —, identity verification, grading, stackability)
========================  ======================================================================

``targetUrl`` (required by OB 3.0) is the achievement's own page with a fragment naming the
element, except for the EQF level. Achievements written with the earlier extension context
(``https://w3id.org/microcred/contexts/eu-microcredential/v1``) are read as well, so credentials
issued before keep showing their elements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "ELEMENTS",
    "EU_FRAMEWORK",
    "TARGET_TYPE_PREFIX",
    "EuElement",
    "eu_alignments",
    "eu_elements",
    "is_eu_alignment",
    "with_published_terms",
]

#: the elements in the order the Recommendation lists them (their JSON names in the old context)
ELEMENTS: Final = (
    "learningOutcome",
    "creditECTS",
    "eqfLevel",
    "assessmentType",
    "participationMode",
    "qualityAssurance",
    "prerequisite",
    "identityVerification",
    "gradingScheme",
    "stackability",
)
TARGET_TYPE_PREFIX: Final = "ext:EUMicroCredential."
EU_FRAMEWORK: Final = "EU micro-credential (Council Recommendation 2022/C 243/02)"
ECTS_FRAMEWORK: Final = "European Credit Transfer and Accumulation System (ECTS)"
EQF_FRAMEWORK: Final = "European Qualifications Framework (EQF)"
#: the EU's published concept for each EQF level (data.europa.eu, Europass vocabularies)
EQF_LEVEL_URL: Final = "http://data.europa.eu/snb/eqf/{level}"
_MULTIPLE: Final = frozenset({"learningOutcome", "prerequisite"})


@dataclass(frozen=True, slots=True)
class EuElement:
    """One element and its values as text (``("5",)`` for five ECTS credits)."""

    element: str
    values: tuple[str, ...]


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(int(value)) if float(value).is_integer() else str(value)


def _texts(value: Any, language: str | None) -> list[str]:
    """The strings of an old-form value: a string, strings, or a language map of either."""
    if isinstance(value, Mapping):
        chosen = value.get(language) if language in value else next(iter(value.values()), None)
        return [] if isinstance(chosen, Mapping) else _texts(chosen, None)
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str) and item.strip()]


def _alignment(element: str, name: str, url: str, **extra: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetType": TARGET_TYPE_PREFIX + element,
        "targetName": name,
        "targetUrl": url,
        "targetFramework": EU_FRAMEWORK,
        **extra,
    }


def eu_alignments(
    values: Mapping[str, Any], *, page_url: str, language: str | None = None
) -> list[dict[str, Any]]:
    """OB 3.0 alignments for the EU elements in ``values`` (keyed by the names of
    :data:`ELEMENTS`, values as the old context had them); ``page_url`` is the achievement's
    page, ``language`` picks the learning outcomes of a language map."""
    out: list[dict[str, Any]] = []
    for element in ELEMENTS:
        value = values.get(element)
        if value is None or value == "" or value == [] or value == {}:
            continue
        anchor = f"{page_url}#eu-{element}"
        if element == "creditECTS":
            code = _number_text(value)
            out.append(
                _alignment(
                    element, f"{code} ECTS", anchor, targetCode=code, targetFramework=ECTS_FRAMEWORK
                )
            )
        elif element == "eqfLevel":
            code = _number_text(value)
            url = EQF_LEVEL_URL.format(level=code)
            out.append(
                _alignment(
                    element, f"EQF {code}", url, targetCode=code, targetFramework=EQF_FRAMEWORK
                )
            )
        elif element in _MULTIPLE:
            texts = _texts(value, language)
            out.extend(
                _alignment(element, text, f"{anchor}-{number}")
                for number, text in enumerate(texts, start=1)
            )
        else:
            out.extend(_alignment(element, text, anchor) for text in _texts(value, language)[:1])
    return out


def _convertible(element: str, value: Any) -> bool:
    """True when an old-form value is valid (an invalid one stays where the checks see it)."""
    if element == "eqfLevel":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8
    if element == "creditECTS":
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    if element in _MULTIPLE:
        items = value.values() if isinstance(value, Mapping) else [value]
        return all(
            isinstance(item, str)
            or (isinstance(item, list) and all(isinstance(text, str) for text in item))
            for item in items
        )
    return isinstance(value, str)


def with_published_terms(achievement: Mapping[str, Any]) -> dict[str, Any]:
    """``achievement`` (OB 3.0 Achievement JSON) with its old-context EU terms moved into
    alignments; unchanged (a copy) when it has none. Invalid values are left in place, so the
    model's checks still name them."""
    old = {
        term: achievement[term]
        for term in ELEMENTS
        if term in achievement and _convertible(term, achievement[term])
    }
    out = {key: value for key, value in achievement.items() if key not in old}
    if not old:
        return out
    page = achievement.get("id")
    language = achievement.get("inLanguage")
    added = eu_alignments(
        old,
        page_url=page if isinstance(page, str) else "",
        language=language if isinstance(language, str) else None,
    )
    existing = achievement.get("alignment")
    kept = existing if isinstance(existing, list) else [] if existing is None else [existing]
    out["alignment"] = [*kept, *added]
    return out


def is_eu_alignment(alignment: Any) -> bool:
    """True for an alignment that carries an EU element."""
    return (
        isinstance(alignment, Mapping)
        and isinstance(alignment.get("targetType"), str)
        and alignment["targetType"].startswith(TARGET_TYPE_PREFIX)
        and alignment["targetType"][len(TARGET_TYPE_PREFIX) :] in ELEMENTS
    )


def _alignment_text(element: str, alignment: Mapping[str, Any]) -> str | None:
    key = "targetCode" if element in ("creditECTS", "eqfLevel") else "targetName"
    value = alignment.get(key)
    if isinstance(value, Mapping):  # a language value object or map
        value = value.get("@value") or next(iter(value.values()), None)
    return value if isinstance(value, str) and value.strip() else None


def eu_elements(achievement: Any) -> list[EuElement]:
    """The EU elements of an achievement (either form), in the Recommendation's order."""
    if not isinstance(achievement, Mapping):
        return []
    found: dict[str, list[str]] = {}
    language = achievement.get("inLanguage")
    for element in ELEMENTS:
        if element not in achievement:
            continue
        value = achievement[element]
        if element in ("creditECTS", "eqfLevel"):
            texts = [_number_text(value)] if isinstance(value, int | float | str) else []
        else:
            texts = _texts(value, language if isinstance(language, str) else None)
        found.setdefault(element, []).extend(texts)
    alignments = achievement.get("alignment")
    for alignment in alignments if isinstance(alignments, list) else [alignments]:
        if is_eu_alignment(alignment):
            element = alignment["targetType"][len(TARGET_TYPE_PREFIX) :]
            text = _alignment_text(element, alignment)
            if text is not None:
                found.setdefault(element, []).append(text)
    return [EuElement(element, tuple(found[element])) for element in ELEMENTS if found.get(element)]
