"""Machine translation as a pluggable backend.

A backend is any class with ``label`` and ``translate(texts, source_lang, target_lang)``
returning one text per input. Configure them with the ``MICROCRED_TRANSLATION_BACKENDS`` setting
(``{"name": "dotted.path.Class"}``). Only an offline pseudo-localisation backend ships (it shows
untranslated or truncated text in the interface); nothing here reaches the internet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.models import Course
from microcred_web.learning.xliff import LANGUAGE_CODE, course_units, units_apply


@runtime_checkable
class TranslationBackend(Protocol):
    label: str

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]: ...


_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
#: parts left alone: links, inline code, Markdown link targets
_KEEP = re.compile(r"(https?://\S+|`[^`]*`|\]\([^)]*\))")


class PseudoLocalisationBackend:
    """Accents every letter and brackets the text: ``[Ŝàƒé ŵöŕķ]``. For testing layouts."""

    label = _("Pseudo-localisation (for testing)")

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        return [self._one(text) for text in texts]

    @staticmethod
    def _one(text: str) -> str:
        parts = _KEEP.split(text)
        return (
            "["
            + "".join(
                part if index % 2 else part.translate(_ACCENTED) for index, part in enumerate(parts)
            )
            + "]"
        )


DEFAULT_BACKENDS = {"pseudo": "microcred_web.learning.translation.PseudoLocalisationBackend"}


def translation_backends() -> dict[str, TranslationBackend]:
    configured = getattr(settings, "MICROCRED_TRANSLATION_BACKENDS", DEFAULT_BACKENDS)
    return {name: import_string(path)() for name, path in configured.items()}


@transaction.atomic
def course_translate_machine(
    *, course: Course, actor: object, backend_name: str, target_language: str
) -> int:
    """Fill the texts still untranslated in ``target_language`` with a backend's output."""
    backend = translation_backends().get(backend_name)
    if backend is None:
        raise ApplicationError("backend", _("Choose a translation service."), field="backend")
    if not LANGUAGE_CODE.match(target_language) or target_language == course.language:
        raise ApplicationError(
            "language", _("Choose a language other than the course's own."), field="language"
        )
    units = course_units(course)
    todo = [unit for unit in units if not unit.target(target_language).strip()]
    if not todo:
        return 0
    translated = backend.translate([u.source for u in todo], course.language, target_language)
    if len(translated) != len(todo):
        raise ApplicationError("backend", _("The translation service returned a wrong count."))
    targets = {u.id: u.target(target_language) for u in units}
    targets.update({u.id: text for u, text in zip(todo, translated, strict=True)})
    units_apply(units, target_language, targets)
    audit_record(
        action="learning.translations_machine",
        actor=actor,
        organisation=course.organisation,
        target=course,
        data={"language": target_language, "backend": backend_name, "texts": len(todo)},
    )
    return len(todo)
