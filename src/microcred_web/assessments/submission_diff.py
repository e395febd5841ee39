"""What a learner changed between two submissions of the same assessment, for the assessor
reviewing a resubmission: each reflection word by word, links and files added or removed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from microcred_web.assessments.models import Submission

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "del" or "ins"
    text: str


@dataclass
class TextChange:
    title: str
    pieces: list[Piece]


@dataclass
class SubmissionDiff:
    older: int
    newer: int
    texts: list[TextChange] = field(default_factory=list)
    links_added: list[dict[str, Any]] = field(default_factory=list)
    links_removed: list[dict[str, Any]] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (
            self.texts
            or self.links_added
            or self.links_removed
            or self.files_added
            or self.files_removed
        )


def word_diff(before: str, after: str) -> list[Piece]:
    """``before`` → ``after`` as kept, deleted and inserted runs of words (spaces kept)."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("del", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("ins", "".join(new[j1:j2])))
    return pieces


def submission_diff(older: Submission, newer: Submission) -> SubmissionDiff:
    criteria = list(newer.assessment.requirement.criteria.all())
    diff = SubmissionDiff(older.number, newer.number)
    texts = [(_("Prior learning"), older.prior_learning, newer.prior_learning)]
    texts += [
        (
            c.title,
            str(older.reflections.get(str(c.public_id), "")),
            str(newer.reflections.get(str(c.public_id), "")),
        )
        for c in criteria
    ]
    for title, before, after in texts:
        if before.strip() != after.strip():
            diff.texts.append(TextChange(title, word_diff(before, after)))
    old_links = {str(link.get("url")): link for link in older.links}
    new_links = {str(link.get("url")): link for link in newer.links}
    diff.links_added = [link for url, link in new_links.items() if url not in old_links]
    diff.links_removed = [link for url, link in old_links.items() if url not in new_links]
    old_files = {f.pk: f.name for f in older.files.all()}
    new_files = {f.pk: f.name for f in newer.files.all()}
    diff.files_added = [name for pk, name in new_files.items() if pk not in old_files]
    diff.files_removed = [name for pk, name in old_files.items() if pk not in new_files]
    return diff


def latest_changes(submissions: list[Submission]) -> SubmissionDiff | None:
    """The last resubmission compared with the one before it (None for a first submission)."""
    ordered = sorted(submissions, key=lambda s: s.number)
    if len(ordered) < 2:
        return None
    return submission_diff(ordered[-2], ordered[-1])
