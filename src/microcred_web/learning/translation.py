"""Machine translation of a course's texts, and the translator's review before publishing.

A backend is any class with ``label`` and ``translate(texts, source_lang, target_lang)``
returning one text per input; it receives XML segments (:mod:`microcred.translation.markup`:
placeholders and markup as ``<x id="N"/>`` tokens). Two sources of backends: the engine the
organisation configured (:mod:`microcred_web.learning.machine`, named ``"service"``) and the
``MICROCRED_TRANSLATION_BACKENDS`` setting (``{"name": "dotted.path.Class"}``; by default the
offline pseudo-localisation backend, for testing layouts).

Machine output is stored with the state ``machine`` (needs review); a reviewer accepts or edits
each text (state ``reviewed``); publishing is refused while a machine text is unreviewed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred.translation.markup import PlaceholderMismatch, Prepared, prepare
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.machine.service import service_backend, service_get
from microcred_web.learning.models import Course
from microcred_web.learning.xliff import (
    LANGUAGE_CODE,
    MACHINE,
    REVIEWED,
    TextUnit,
    course_units,
    units_apply,
)
from microcred_web.orgs.models import Organisation


@runtime_checkable
class TranslationBackend(Protocol):
    label: str

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]: ...


_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
#: parts left alone: tags (placeholder tokens), entities, links, inline code, link targets
_KEEP = re.compile(r"(<[^<>]*>|&[#\w]+;|https?://\S+|`[^`]*`|\]\([^)]*\))")


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
SERVICE = "service"


def translation_backends() -> dict[str, TranslationBackend]:
    configured = getattr(settings, "MICROCRED_TRANSLATION_BACKENDS", DEFAULT_BACKENDS)
    return {name: import_string(path)() for name, path in configured.items()}


def backend_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(name, label) of the backends an author may use, the organisation's engine first."""
    choices = [(name, str(b.label)) for name, b in translation_backends().items()]
    service = service_get(organisation)
    if service is not None:
        choices.insert(0, (SERVICE, service.get_engine_display()))
    return choices


def offered_targets(course: Course) -> list[str]:
    """The languages the organisation's engine translates the course's language into."""
    service = service_get(course.organisation)
    pairs = service.language_pairs if service is not None else []
    return [target for source, target in pairs if source == course.language]


def _backend(organisation: Organisation, name: str, source: str, target: str) -> Any:
    if name == SERVICE:
        service = service_get(organisation)
        if service is None:
            raise ApplicationError("backend", _("Choose a translation service."), field="backend")
        if [source, target] not in service.language_pairs:
            raise ApplicationError(
                "language",
                _("The organisation's translation service does not offer %(pair)s.")
                % {"pair": f"{source} → {target}"},
                field="language",
            )
        return service_backend(service)
    backend = translation_backends().get(name)
    if backend is None:
        raise ApplicationError("backend", _("Choose a translation service."), field="backend")
    return backend


@dataclass
class MachineRun:
    translated: int = 0
    #: (unit id, reason) of units whose output was refused; they stay untranslated
    refused: list[tuple[str, str]] = field(default_factory=list)


def _mismatch_reason(mismatch: PlaceholderMismatch) -> str:
    """The core's refusal in the interface's language."""
    reasons = {
        "lost": _("the translation lost %(span)s"),
        "repeated": _("the translation repeats %(span)s"),
        "invented": _("the translation has placeholders the source does not"),
        "moved": _("the translation moved %(span)s out of place"),
        "markup": _("the translation added markup of its own"),
        "lines": _("the service returned a wrong number of lines"),
    }
    return reasons.get(mismatch.code, mismatch.reason) % {"span": mismatch.span}


def _machine_texts(
    backend: Any, todo: list[TextUnit], source: str, target: str
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Send every line of ``todo`` in one batch; the restored texts and the refusals."""
    prepared: list[Prepared] = [prepare(unit.source) for unit in todo]
    segments = [segment for p in prepared for segment in p.segments()]
    output = list(backend.translate(segments, source, target)) if segments else []
    if len(output) != len(segments):
        raise ApplicationError("backend", _("The translation service returned a wrong count."))
    texts: dict[str, str] = {}
    refused: list[tuple[str, str]] = []
    start = 0
    for unit, item in zip(todo, prepared, strict=True):
        count = len(item.segments())
        try:
            texts[unit.id] = item.assemble(output[start : start + count])
        except PlaceholderMismatch as mismatch:
            refused.append((unit.id, _mismatch_reason(mismatch)))
        start += count
    return texts, refused


def course_translate_machine(
    *, course: Course, actor: object, backend_name: str, target_language: str
) -> MachineRun:
    """Fill the texts still untranslated in ``target_language`` with a backend's output.

    The engine runs before any write; its failure leaves the course unchanged. Each text whose
    placeholders or markup did not survive is refused (named with the reason) and stays
    untranslated; the others are stored as machine output awaiting review.
    """
    if not LANGUAGE_CODE.match(target_language) or target_language == course.language:
        raise ApplicationError(
            "language", _("Choose a language other than the course's own."), field="language"
        )
    backend = _backend(course.organisation, backend_name, course.language, target_language)
    todo = [u for u in course_units(course) if not u.target(target_language).strip()]
    if not todo:
        return MachineRun()
    texts, refused = _machine_texts(backend, todo, course.language, target_language)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        units = course_units(course)
        sent = {u.id: u.source for u in todo}  # a text edited meanwhile is not overwritten
        fresh = {
            u.id
            for u in units
            if u.id in texts
            and sent.get(u.id) == u.source
            and not u.target(target_language).strip()
        }
        targets = {u.id: u.target(target_language) for u in units}
        targets.update({unit_id: texts[unit_id] for unit_id in fresh})
        states = {u.id: MACHINE if u.id in fresh else u.state(target_language) for u in units}
        units_apply(units, target_language, targets, states)
        audit_record(
            action="learning.translations_machine",
            actor=actor,
            organisation=course.organisation,
            target=course,
            data={
                "language": target_language,
                "backend": backend_name,
                "texts": len(fresh),
                "refused": [unit_id for unit_id, _reason in refused],
            },
        )
    return MachineRun(translated=len(fresh), refused=refused)


def machine_units(course: Course) -> dict[str, list[str]]:
    """{language: ids of its machine texts still awaiting review} (languages with some)."""
    units = course_units(course)
    waiting: dict[str, list[str]] = {}
    for language in sorted(code for code in (course.translations or {}) if code != course.language):
        ids = [u.id for u in units if u.state(language) == MACHINE and u.target(language)]
        if ids:
            waiting[language] = ids
    return waiting


@transaction.atomic
def unit_review(*, course: Course, actor: object, language: str, unit_id: str, text: str) -> None:
    """A reviewer accepts (same text) or corrects a translation; it becomes ``reviewed``."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    units = course_units(course)
    unit = next((u for u in units if u.id == unit_id), None)
    if unit is None or language not in (course.translations or {}):
        raise ApplicationError("unit", _("This text is not part of the course."), field="text")
    if not text.strip():
        raise ApplicationError("text", _("Write the translation."), field="text")
    previous = unit.target(language)
    units_apply([unit], language, {unit.id: text}, {unit.id: REVIEWED})
    audit_record(
        action="learning.translation_review",
        actor=actor,
        organisation=course.organisation,
        target=course,
        data={"language": language, "unit": unit_id, "edited": text != previous},
    )
