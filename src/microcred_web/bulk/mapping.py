"""Which CSV column holds which recipient field, and checking one row.

A *mapping* is a dict from field name (:data:`FIELDS`) to a column index in the header.
:func:`guess_mapping` proposes one from the header names; the user can change it.
:func:`row_recipient` turns a row into a checked :class:`Recipient` or a list of problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELDS: Final[dict[str, str | Promise]] = {
    "email": gettext_lazy("E-mail address"),
    "name": gettext_lazy("Name"),
    "did": gettext_lazy("DID (decentralised identifier)"),
    "score": gettext_lazy("Score"),
    "grade": gettext_lazy("Grade"),
    "evidence_url": gettext_lazy("Evidence URL"),
}

# Normalised header names (lower case, letters and digits only) we recognise per field.
_GUESSES: Final[dict[str, tuple[str, ...]]] = {
    "email": (
        "email", "emailaddress", "mail", "courriel", "adresseemail", "adressecourriel",
        "recipientemail", "learneremail", "correo", "correoelectronico",
    ),
    "name": (
        "name", "fullname", "learner", "learnername", "recipient", "recipientname",
        "nom", "nomcomplet", "participant", "employee", "employeename", "displayname",
    ),
    "did": ("did", "recipientdid", "learnerdid", "holderdid", "walletdid"),
    "score": ("score", "points", "mark", "result", "note", "percentage", "percent"),
    "grade": ("grade", "level", "mention", "classification"),
    "evidence_url": (
        "evidence", "evidenceurl", "evidencelink", "url", "link", "portfolio", "portfoliourl",
    ),
}  # fmt: skip

MAX_NAME_CHARS: Final = 200
MAX_EMAIL_CHARS: Final = 254
MAX_URL_CHARS: Final = 2000
MAX_GRADE_CHARS: Final = 60

# A pragmatic address check: one @, a dotted domain of letters/digits/hyphens, no spaces.
_EMAIL: Final = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_DID: Final = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:#[A-Za-z0-9._:%-]+)?$")
_URL: Final = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _normalise(header_name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header_name.lower())


def guess_mapping(header: list[str]) -> dict[str, int]:
    """The first column whose name matches each field's known names (exact, then prefix)."""
    names = [_normalise(h) for h in header]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for fname, candidates in _GUESSES.items():
        for index, name in enumerate(names):
            if index not in taken and name in candidates:
                mapping[fname] = index
                taken.add(index)
                break
    for fname, candidates in _GUESSES.items():
        if fname in mapping:
            continue
        for index, name in enumerate(names):
            if index not in taken and name and any(name.startswith(c) for c in candidates):
                mapping[fname] = index
                taken.add(index)
                break
    return mapping


def check_mapping(mapping: dict[str, int], header: list[str]) -> list[str]:
    """Problems with a mapping: unknown fields, columns out of range, a column used twice,
    no recipient column."""
    problems: list[str] = []
    for fname, index in mapping.items():
        if fname not in FIELDS:
            problems.append(_("Unknown field “%s”.") % fname)
        elif not 0 <= index < len(header):
            problems.append(_("The column chosen for “%s” does not exist.") % FIELDS[fname])
    used = [i for i in mapping.values()]
    if len(used) != len(set(used)):
        problems.append(_("Each column can be used for one field only."))
    if "email" not in mapping and "did" not in mapping:
        problems.append(_("Choose the column holding the e-mail address or the DID."))
    return problems


@dataclass(frozen=True)
class Recipient:
    """A checked row, ready to become an issuing RecipientInput."""

    row: int
    email: str | None
    did: str | None
    name: str | None
    score: str | None
    grade: str | None
    evidence_url: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """What makes two rows the same recipient: the e-mail (case-folded), else the DID."""
        return f"email:{self.email.lower()}" if self.email else f"did:{self.did}"


def _cell(values: list[str], mapping: dict[str, int], fname: str) -> str | None:
    index = mapping.get(fname)
    if index is None or index >= len(values):
        return None
    text = values[index].strip()
    return text or None


def row_recipient(row: int, values: list[str], mapping: dict[str, int]) -> Recipient:
    """Check one row; ``problems`` is empty when it can be issued."""
    problems: list[str] = []
    email = _cell(values, mapping, "email")
    did = _cell(values, mapping, "did")
    name = _cell(values, mapping, "name")
    score = _cell(values, mapping, "score")
    grade = _cell(values, mapping, "grade")
    evidence_url = _cell(values, mapping, "evidence_url")
    if email is None and did is None:
        problems.append(_("No recipient: the e-mail address and the DID are both empty."))
    if email is not None and (len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email)):
        problems.append(_("“%s” is not a valid e-mail address.") % email[:80])
    if did is not None and (len(did) > 500 or not _DID.match(did)):
        problems.append(_("“%s” is not a valid DID (did:method:identifier).") % did[:80])
    if name is not None and len(name) > MAX_NAME_CHARS:
        problems.append(_("The name is longer than %d characters.") % MAX_NAME_CHARS)
    if score is not None:
        try:
            number = Decimal(score.replace(",", "."))
            if not number.is_finite():
                raise InvalidOperation
            score = str(number)
        except InvalidOperation:
            problems.append(_("The score “%s” is not a number.") % score[:40])
    if grade is not None and len(grade) > MAX_GRADE_CHARS:
        problems.append(_("The grade is longer than %d characters.") % MAX_GRADE_CHARS)
    if evidence_url is not None and (
        len(evidence_url) > MAX_URL_CHARS or not _URL.match(evidence_url)
    ):
        problems.append(_("“%s” is not a web address (http:// or https://).") % evidence_url[:80])
    return Recipient(
        row=row,
        email=email,
        did=did,
        name=name,
        score=score,
        grade=grade,
        evidence_url=evidence_url,
        problems=problems,
    )
