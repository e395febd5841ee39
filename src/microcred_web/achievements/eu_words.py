"""The EU micro-credential elements of an achievement, labelled for people (decision 0022).

The public achievement and credential pages and the public verifier show the same rows; the
elements are read by :func:`microcred.model.eu_elements.eu_elements` from either the OB 3.0
alignments we issue now or the earlier extension terms.
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from microcred.model.eu_elements import eu_elements, is_eu_alignment
from microcred_web.common.text_input import shown

#: the Council Recommendation's wording (Annex I), per element
EU_LABELS: Final[dict[str, Promise]] = {
    "learningOutcome": _("Learning outcomes"),
    "creditECTS": _("Notional workload (ECTS credits)"),
    "eqfLevel": _("Level (EQF)"),
    "assessmentType": _("Type of assessment"),
    "participationMode": _("Form of participation"),
    "qualityAssurance": _("Quality assurance"),
    "prerequisite": _("Prerequisites"),
    "identityVerification": _("Supervision and identity verification"),
    "gradingScheme": _("Grading scheme"),
    "stackability": _("Integration and stackability"),
}
#: at most this many values per element, this long, are shown
MAX_VALUES: Final = 50
MAX_TEXT: Final = 500


def eu_rows(achievement: Any) -> list[dict[str, Any]]:
    """``[{"element", "label", "values"}]`` for the EU elements of ``achievement``."""
    return [
        {
            "element": item.element,
            "label": str(EU_LABELS[item.element]),
            "values": [shown(value[:MAX_TEXT]) for value in item.values[:MAX_VALUES]],
        }
        for item in eu_elements(achievement)
    ]


def skill_alignments(achievement: Any) -> list[Any]:
    """The achievement's alignments that are not EU elements (shown as skills)."""
    alignments = achievement.get("alignment") if isinstance(achievement, dict) else None
    if not isinstance(alignments, list):
        return []
    return [a for a in alignments if isinstance(a, dict) and not is_eu_alignment(a)]


__all__ = ["EU_LABELS", "eu_rows", "skill_alignments"]
