"""Course versions side by side, block by block, and rolling back: a new draft made from an old
version (published versions are never changed; the learner's next start takes what is published
next)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.models import (
    Block,
    BlockKind,
    Course,
    CourseVersion,
    MediaFile,
    Module,
)
from microcred_web.learning.snapshot import Snapshot, course_snapshot

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass
class BlockChange:
    key: str
    kind: str
    status: str
    summary: str
    changes: list[FieldChange] = field(default_factory=list)
    moved: bool = False

    @property
    def kind_label(self) -> str:
        return str(BlockKind(self.kind).label) if self.kind in BlockKind.values else self.kind


@dataclass
class ModuleChange:
    key: str
    title: str
    status: str
    changes: list[FieldChange] = field(default_factory=list)
    blocks: list[BlockChange] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return self.status != SAME or any(b.status != SAME or b.moved for b in self.blocks)


@dataclass
class CourseDiff:
    changes: list[FieldChange]
    modules: list[ModuleChange]

    @property
    def identical(self) -> bool:
        return not self.changes and not any(m.touched for m in self.modules)


def _labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "summary": _("Summary"),
        "language": _("Language"),
        "duration_minutes": _("Estimated duration (minutes)"),
        "credits": _("Credits"),
        "kind": _("Kind"),
        "body": _("Text"),
        "caption": _("Caption"),
        "style": _("Callout style"),
        "url": _("Link"),
        "media_name": _("File"),
        "quiz": _("Quiz"),
    }


def _compare(
    before: dict[str, Any], after: dict[str, Any], names: tuple[str, ...]
) -> list[FieldChange]:
    labels = _labels()
    return [
        FieldChange(labels[name], str(before.get(name, "")), str(after.get(name, "")))
        for name in names
        if str(before.get(name, "")) != str(after.get(name, ""))
    ]


BLOCK_FIELDS = ("kind", "body", "caption", "style", "url", "media_name", "quiz")


def _block_fields(block: dict[str, Any], quizzes: dict[str, Any]) -> dict[str, Any]:
    quiz = quizzes.get(block.get("quiz") or "") or {}
    return {**block, "quiz": quiz.get("title", "")}


def _summary(block: dict[str, Any]) -> str:
    text = block.get("caption") or block.get("body") or block.get("url") or block.get("quiz") or ""
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return first[:80]


def _module_blocks(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    quizzes: tuple[dict[str, Any], dict[str, Any]],
) -> list[BlockChange]:
    old_blocks = [_block_fields(b, quizzes[0]) for b in (old or {}).get("blocks", [])]
    new_blocks = [_block_fields(b, quizzes[1]) for b in (new or {}).get("blocks", [])]
    old_by_key = {b["key"]: (i, b) for i, b in enumerate(old_blocks)}
    new_keys = {b["key"] for b in new_blocks}
    rows: list[BlockChange] = []
    kept_old_order = [b["key"] for b in old_blocks if b["key"] in new_keys]
    kept_new_order = [b["key"] for b in new_blocks if b["key"] in old_by_key]
    for block in new_blocks:
        found = old_by_key.get(block["key"])
        if found is None:
            rows.append(BlockChange(block["key"], block["kind"], ADDED, _summary(block)))
            continue
        changes = _compare(found[1], block, BLOCK_FIELDS)
        moved = kept_old_order.index(block["key"]) != kept_new_order.index(block["key"])
        status = CHANGED if changes else SAME
        rows.append(
            BlockChange(block["key"], block["kind"], status, _summary(block), changes, moved)
        )
    for block in old_blocks:
        if block["key"] not in new_keys:
            rows.append(BlockChange(block["key"], block["kind"], REMOVED, _summary(block)))
    return rows


def course_diff(old: Snapshot, new: Snapshot) -> CourseDiff:
    """What changed from ``old`` to ``new`` (two snapshots: versions or the draft)."""
    course_changes = _compare(
        old["course"],
        new["course"],
        ("title", "summary", "language", "duration_minutes", "credits"),
    )
    quizzes = (old.get("quizzes", {}), new.get("quizzes", {}))
    old_modules = {m["key"]: m for m in old["modules"]}
    new_keys = {m["key"] for m in new["modules"]}
    modules: list[ModuleChange] = []
    for module in new["modules"]:
        before = old_modules.get(module["key"])
        status = ADDED if before is None else SAME
        changes = _compare(before, module, ("title",)) if before else []
        if changes:
            status = CHANGED
        blocks = _module_blocks(before, module, quizzes)
        modules.append(ModuleChange(module["key"], module["title"], status, changes, blocks))
    for module in old["modules"]:
        if module["key"] not in new_keys:
            blocks = _module_blocks(module, None, quizzes)
            modules.append(ModuleChange(module["key"], module["title"], REMOVED, [], blocks))
    return CourseDiff(course_changes, modules)


def version_snapshot(course: Course, number: int | None) -> Snapshot | None:
    """The snapshot of version ``number`` of the course, or the draft for None."""
    if number is None:
        return course_snapshot(course)
    version = course.versions.filter(number=number).first()
    return version.snapshot if version is not None else None


@transaction.atomic
def course_rollback(*, course: Course, version: CourseVersion, actor: Any) -> list[str]:
    """Replace the draft by the content of ``version``; publishing it makes a new version.

    Returns the titles of quizzes the old version used that no longer exist (their blocks are
    left out). Quiz question banks are not rolled back: they are shared with the draft.
    """
    if version.course_id != course.pk:
        raise ApplicationError("version", _("Choose a version of this course."), "version")
    course = Course.objects.select_for_update().get(pk=course.pk)
    snapshot = version.snapshot
    values = snapshot["course"]
    course.title = values["title"]
    course.summary = values["summary"]
    course.language = values["language"]
    course.duration_minutes = int(values["duration_minutes"])
    course.credits = Decimal(str(values["credits"]))
    course.translations = values.get("translations") or {}
    course.save()
    quizzes = {str(q.public_id): q for q in course.quizzes.all()}
    media_ids = [b["media"] for m in snapshot["modules"] for b in m["blocks"] if b.get("media")]
    media = {
        str(item.public_id): item
        for item in MediaFile.objects.filter(
            organisation=course.organisation, public_id__in=media_ids
        )
    }
    missing: list[str] = []
    course.modules.all().delete()
    for position, module_values in enumerate(snapshot["modules"], start=1):
        module = Module.objects.create(
            course=course,
            key=module_values["key"],
            position=position,
            title=module_values["title"],
            translations=module_values.get("translations") or {},
        )
        for block_position, values in enumerate(module_values["blocks"], start=1):
            quiz = quizzes.get(values.get("quiz") or "")
            if values.get("quiz") and quiz is None:
                old = snapshot.get("quizzes", {}).get(values["quiz"], {})
                missing.append(str(old.get("title", values["quiz"])))
                continue
            Block.objects.create(
                module=module,
                key=values["key"],
                position=block_position,
                kind=values["kind"],
                body=values.get("body", ""),
                caption=values.get("caption", ""),
                style=values.get("style", ""),
                url=values.get("url", ""),
                media=media.get(values.get("media") or ""),
                quiz=quiz,
                translations=values.get("translations") or {},
            )
    audit_record(
        action="learning.course_rollback",
        actor=actor,
        organisation=course.organisation,
        target=course,
        data={"version": version.number, "missing_quizzes": missing},
    )
    return missing
