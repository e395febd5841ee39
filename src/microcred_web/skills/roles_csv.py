"""People's roles in bulk: a CSV ``email,current_role,target_roles`` (targets separated by
``;``) is planned row by row (what changes, what is wrong) and applied in one transaction only
when no row is wrong. The export writes the same format, so a file round-trips.

Each row sets the person's roles to exactly what it says (an empty current role clears it, the
targets replace theirs); people not in the file keep theirs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.skills.models import JobRole, PersonRole
from microcred_web.skills.services import person_role_set

HEADER = ("email", "current_role", "target_roles")
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass
class RowPlan:
    line: int
    email: str
    user: Any = None
    current: JobRole | None = None
    targets: list[JobRole] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class BulkPlan:
    rows: list[RowPlan]
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def change_count(self) -> int:
        return sum(1 for r in self.rows if r.changes and not r.errors)


def _plain(value: str) -> str:
    """A cell as typed: the export's leading quote before a formula character is removed."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class _Lookup:
    """The organisation's active members by e-mail and its roles by name (case ignored)."""

    def __init__(self, organisation: Organisation) -> None:
        self.members = {
            m.user.email.casefold(): m.user
            for m in Membership.objects.filter(
                organisation=organisation, is_active=True
            ).select_related("user")
        }
        self.roles = {
            r.name.casefold(): r for r in JobRole.objects.filter(organisation=organisation)
        }
        self.persons = {
            p.user_id: p
            for p in PersonRole.objects.filter(organisation=organisation)
            .select_related("current")
            .prefetch_related("targets")
        }

    def role(self, name: str, errors: list[str]) -> JobRole | None:
        found = self.roles.get(name.casefold())
        if found is None:
            errors.append(_("No role named “%(name)s”.") % {"name": name})
        return found


def _changes(plan: RowPlan, person: PersonRole | None) -> list[str]:
    before = person.current if person else None
    changes = []
    if (before.pk if before else None) != (plan.current.pk if plan.current else None):
        changes.append(
            _("Current role: %(old)s → %(new)s")
            % {
                "old": before.name if before else "—",
                "new": plan.current.name if plan.current else "—",
            }
        )
    had = {t.pk: t for t in person.targets.all()} if person else {}
    wanted = {t.pk: t for t in plan.targets}
    added = [t.name for pk, t in wanted.items() if pk not in had]
    removed = [t.name for pk, t in had.items() if pk not in wanted]
    if added:
        changes.append(_("Add target roles: %(names)s") % {"names": ", ".join(added)})
    if removed:
        changes.append(_("Remove target roles: %(names)s") % {"names": ", ".join(removed)})
    return changes


def _plan_row(line: int, cells: list[str], lookup: _Lookup, seen: dict[str, int]) -> RowPlan:
    cells = [_plain(c) for c in cells]
    plan = RowPlan(line=line, email=cells[0] if cells else "")
    if len(cells) > len(HEADER):
        plan.errors.append(_("Expected 3 columns: email, current role, target roles."))
        return plan
    email, current, targets = [*cells, "", ""][:3]
    key = email.casefold()
    if not email:
        plan.errors.append(_("The e-mail address is missing."))
    elif key in seen:
        plan.errors.append(_("This person is already on line %(line)d.") % {"line": seen[key]})
    else:
        seen[key] = line
        plan.user = lookup.members.get(key)
        if plan.user is None:
            plan.errors.append(_("No member of this organisation has this e-mail address."))
    plan.current = lookup.role(current, plan.errors) if current else None
    names = list(dict.fromkeys(n.strip() for n in targets.split(";") if n.strip()))
    found = [lookup.role(name, plan.errors) for name in names]
    plan.targets = [
        r for r in found if r is not None and (plan.current is None or r.pk != plan.current.pk)
    ]
    if not plan.errors:
        plan.changes = _changes(plan, lookup.persons.get(plan.user.pk))
    return plan


def roles_csv_plan(*, organisation: Organisation, content: str) -> BulkPlan:
    """What applying ``content`` would change, row by row, and what is wrong with each row."""
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    try:
        lines = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except csv.Error as exc:
        return BulkPlan(
            [], _("The file is not a readable CSV file (%(reason)s).") % {"reason": exc}
        )
    if not lines or tuple(c.strip().casefold() for c in lines[0][1]) != HEADER:
        return BulkPlan([], _("The first line must be: email,current_role,target_roles"))
    if len(lines) - 1 > MAX_ROWS:
        return BulkPlan([], _("At most 5000 people per file."))
    if len(lines) == 1:
        return BulkPlan([], _("The file has no people in it."))
    lookup, seen = _Lookup(organisation), dict[str, int]()
    return BulkPlan([_plan_row(line, cells, lookup, seen) for line, cells in lines[1:]])


@transaction.atomic
def roles_csv_apply(*, organisation: Organisation, actor: Any, content: str) -> BulkPlan:
    """Apply every row of ``content`` in one transaction, or nothing when any row is wrong."""
    plan = roles_csv_plan(organisation=organisation, content=content)
    if plan.file_error:
        raise ApplicationError("csv_invalid", plan.file_error, "file")
    if not plan.ok:
        raise ApplicationError(
            "csv_rows_invalid",
            _("%(count)d rows have errors: nothing was changed.") % {"count": plan.error_count},
            "file",
        )
    for row in plan.rows:
        if row.changes:
            person_role_set(
                organisation=organisation,
                actor=actor,
                user=row.user,
                current=row.current,
                targets=row.targets,
            )
    audit_record(
        action="skills.person_roles_imported",
        actor=actor,
        organisation=organisation,
        data={"rows": len(plan.rows), "changed": plan.change_count},
    )
    return plan


def roles_csv_export(*, organisation: Organisation) -> str:
    """Every active member's roles in the upload format (formula characters neutralised)."""
    lookup = _Lookup(organisation)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for _key, user in sorted(lookup.members.items()):
        person = lookup.persons.get(user.pk)
        current = person.current.name if person and person.current else ""
        targets = sorted(t.name for t in person.targets.all()) if person else []
        writer.writerow([_safe(user.email), _safe(current), _safe("; ".join(targets))])
    return out.getvalue()
