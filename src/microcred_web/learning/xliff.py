"""A course's texts as translation units, exported and imported as XLIFF 2.0.

Unit ids encode the structure: ``course.title``, ``m2.title`` (module 2), ``m2.b3.body`` (block 3
of module 2), ``q1.n4.c2`` (choice 2 of question 4 of quiz 1). The ``<file>`` names the course
(``id="course-<uuid>"``) and a fingerprint of the unit ids (``original="structure:<hex>"``): a file
made for another course or an older structure is refused, as are malformed XML, DTDs and
entities (no XXE, no billion laughs), another XLIFF version, and missing or extra units.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.models import Course

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MAX_BYTES = 2 * 1024 * 1024
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
#: in ``translations[language]``: {field or "choices:<key>": "machine" | "reviewed"}
STATE_KEY = "_state"
MACHINE, REVIEWED = "machine", "reviewed"
MACHINE_SUBSTATE = "microcred:machine"


@dataclass
class TextUnit:
    id: str
    source: str
    owner: Any  # the model instance whose ``translations`` receive the target
    field: str
    choice_key: str = ""

    @property
    def state_key(self) -> str:
        return f"choices:{self.choice_key}" if self.field == "choices" else self.field

    def state(self, language: str) -> str:
        """``machine`` (needs review), ``reviewed``, or ``""`` (a person's or none)."""
        entry = (self.owner.translations or {}).get(language, {})
        return str((entry.get(STATE_KEY) or {}).get(self.state_key, ""))

    def target(self, language: str) -> str:
        entry = (self.owner.translations or {}).get(language, {})
        if self.field == "choices":
            return str((entry.get("choices") or {}).get(self.choice_key, ""))
        if self.field == "accepted_answers":
            return "\n".join(entry.get("accepted_answers") or [])
        return str(entry.get(self.field, ""))


def course_units(course: Course) -> list[TextUnit]:
    """Every non-empty translatable text of the draft course, in structure order."""
    units: list[TextUnit] = []

    def add(unit_id: str, source: str, owner: Any, field: str, choice_key: str = "") -> None:
        if source.strip():
            units.append(TextUnit(unit_id, source, owner, field, choice_key))

    add("course.title", course.title, course, "title")
    add("course.summary", course.summary, course, "summary")
    for m, module in enumerate(course.modules.prefetch_related("blocks"), start=1):
        add(f"m{m}.title", module.title, module, "title")
        for b, block in enumerate(module.blocks.all(), start=1):
            add(f"m{m}.b{b}.body", block.body, block, "body")
            add(f"m{m}.b{b}.caption", block.caption, block, "caption")
    for q, quiz in enumerate(course.quizzes.order_by("pk").prefetch_related("questions"), start=1):
        add(f"q{q}.title", quiz.title, quiz, "title")
        for n, question in enumerate(quiz.questions.all(), start=1):
            add(f"q{q}.n{n}.prompt", question.prompt, question, "prompt")
            add(f"q{q}.n{n}.feedback", question.feedback, question, "feedback")
            if question.kind != "true_false":
                for c, choice in enumerate(question.choices or [], start=1):
                    add(f"q{q}.n{n}.c{c}", choice["text"], question, "choices", choice["key"])
            add(
                f"q{q}.n{n}.accepted",
                "\n".join(question.accepted_answers or []),
                question,
                "accepted_answers",
            )
    return units


def structure_fingerprint(units: list[TextUnit]) -> str:
    return hashlib.sha256("\n".join(u.id for u in units).encode()).hexdigest()[:16]


def xliff_export(*, course: Course, target_language: str) -> bytes:
    """XLIFF 2.0 with a ``<source>`` per text and the current ``<target>`` when there is one."""
    units = course_units(course)
    root = etree.Element(
        f"{{{XLIFF_NS}}}xliff",
        nsmap={None: XLIFF_NS},  # type: ignore[dict-item]
        version="2.0",
        srcLang=course.language,
        trgLang=target_language,
    )
    file = etree.SubElement(
        root,
        f"{{{XLIFF_NS}}}file",
        id=f"course-{course.public_id}",
        original=f"structure:{structure_fingerprint(units)}",
    )
    for unit in units:
        unit_element = etree.SubElement(file, f"{{{XLIFF_NS}}}unit", id=unit.id)
        segment = etree.SubElement(unit_element, f"{{{XLIFF_NS}}}segment")
        etree.SubElement(segment, f"{{{XLIFF_NS}}}source").text = unit.source
        target = unit.target(target_language)
        state = unit.state(target_language)
        segment.set("state", "initial" if not target else state or "translated")
        if target and state == MACHINE:  # XLIFF 2.0: machine output is "translated", not reviewed
            segment.set("state", "translated")
            segment.set("subState", MACHINE_SUBSTATE)
        if target:
            etree.SubElement(segment, f"{{{XLIFF_NS}}}target").text = target
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _refuse(message: str, code: str = "xliff") -> ApplicationError:
    return ApplicationError(code, message, field="file")


def _parse(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is larger than 2 MB."))
    head = data.upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _refuse(_("The file declares a DTD or entities, which are not allowed."), "xliff_dtd")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise _refuse(
            _("The file is not well-formed XML: %(error)s") % {"error": exc}, "xliff_malformed"
        ) from exc


def _q(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


@dataclass
class XliffContent:
    language: str
    targets: dict[str, str]  # unit id: target
    units: list[TextUnit]
    reviewed: set[str]  # ids of units whose <segment state> is reviewed or final


def xliff_read(*, course: Course, data: bytes) -> XliffContent:
    """Check ``data`` against the course and read its targets."""
    root = _parse(data)
    if root.tag != _q("xliff"):
        raise _refuse(_("This is not an XLIFF 2.0 file (the root element is not <xliff>)."))
    if root.get("version") != "2.0":
        raise _refuse(
            _("This file is XLIFF version %(v)s; import XLIFF 2.0.") % {"v": root.get("version")}
        )
    if root.get("srcLang") != course.language:
        raise _refuse(
            _("The file's source language is %(file)s; the course is written in %(course)s.")
            % {"file": root.get("srcLang"), "course": course.language}
        )
    language = str(root.get("trgLang") or "")
    if not LANGUAGE_CODE.match(language) or language == course.language:
        raise _refuse(_("The file's target language (trgLang) is missing or invalid."))
    files = root.findall(_q("file"))
    if len(files) != 1:
        raise _refuse(_("The file must contain exactly one <file> element."))
    file = files[0]
    if file.get("id") != f"course-{course.public_id}":
        raise _refuse(_("This file was exported from another course."), "xliff_course")
    units = course_units(course)
    if file.get("original") != f"structure:{structure_fingerprint(units)}":
        raise _refuse(
            _(
                "This file was exported from another version of this course's structure "
                "(modules, blocks or questions changed since). Export it again."
            ),
            "xliff_version",
        )
    targets: dict[str, str] = {}
    reviewed: list[str] = []
    for unit in file.iter(_q("unit")):
        unit_id = str(unit.get("id") or "")
        if unit_id in targets:
            raise _refuse(_("Unit “%(id)s” appears twice.") % {"id": unit_id}, "xliff_units")
        segments = unit.findall(_q("segment"))
        if len(segments) != 1:
            raise _refuse(
                _("Unit “%(id)s” must have exactly one <segment>.") % {"id": unit_id},
                "xliff_units",
            )
        target = segments[0].find(_q("target"))
        if target is not None and len(target):
            raise _refuse(
                _("Unit “%(id)s”: inline markup in <target> is not supported; use plain text.")
                % {"id": unit_id},
                "xliff_units",
            )
        targets[unit_id] = (target.text or "") if target is not None else ""
        if segments[0].get("state") in ("reviewed", "final"):
            reviewed.append(unit_id)
    expected = [u.id for u in units]
    missing = [unit_id for unit_id in expected if unit_id not in targets]
    extra = [unit_id for unit_id in targets if unit_id not in set(expected)]

    if missing:
        raise _refuse(
            _("Unit “%(id)s” is missing from the file.") % {"id": missing[0]}, "xliff_units"
        )
    if extra:
        raise _refuse(
            _("Unit “%(id)s” is not part of this course.") % {"id": extra[0]}, "xliff_units"
        )
    return XliffContent(language, targets, units, set(reviewed))


def _next_state(unit: TextUnit, language: str, text: str, given: dict[str, str] | None) -> str:
    """A unit's state after writing ``text``: as ``given``, else kept only for unchanged text."""
    if not text.strip():
        return ""
    if given is not None:
        return given.get(unit.id, "")
    return unit.state(language) if text == unit.target(language) else ""


def units_apply(
    units: list[TextUnit],
    language: str,
    targets: dict[str, str],
    states: dict[str, str] | None = None,
) -> int:
    """Write targets into the owners' ``translations`` (empty target: no translation).

    ``states`` gives each unit's review state; without it a changed text is a person's."""
    changed: dict[int, Any] = {}
    count = 0
    for unit in units:
        owner = unit.owner
        text = targets.get(unit.id, "")
        state = _next_state(unit, language, text, states)
        translations = dict(owner.translations or {})
        entry = dict(translations.get(language, {}))
        marks = {k: v for k, v in (entry.pop(STATE_KEY, None) or {}).items() if k != unit.state_key}
        if state:
            marks[unit.state_key] = state
        if marks:
            entry[STATE_KEY] = marks
        if unit.field == "choices":
            choices = dict(entry.get("choices") or {})
            if text.strip():
                choices[unit.choice_key] = text
            else:
                choices.pop(unit.choice_key, None)
            entry["choices"] = choices
        elif unit.field == "accepted_answers":
            entry["accepted_answers"] = [line.strip() for line in text.splitlines() if line.strip()]
        elif text.strip():
            entry[unit.field] = text
        else:
            entry.pop(unit.field, None)
        count += 1 if text.strip() else 0
        translations[language] = entry
        owner.translations = translations
        changed[id(owner)] = owner
    for owner in changed.values():
        owner.save(update_fields=["translations"])
    return count


@transaction.atomic
def xliff_import(*, course: Course, actor: Any, data: bytes) -> tuple[str, int]:
    """Import translations; returns (language, texts translated). All or nothing."""
    content = xliff_read(course=course, data=data)
    language, targets, units = content.language, content.targets, content.units
    states = {
        u.id: REVIEWED
        if u.id in content.reviewed
        else (u.state(language) if targets[u.id] == u.target(language) else "")
        for u in units
    }
    count = units_apply(units, language, targets, states)
    audit_record(
        action="learning.translations_import",
        actor=actor,
        organisation=course.organisation,
        target=course,
        data={"language": language, "texts": count},
    )
    return language, count


def translated_languages(course: Course) -> list[str]:
    return sorted(code for code in (course.translations or {}) if code != course.language)


ApplyHook = Callable[[list[TextUnit], str, dict[str, str]], int]
