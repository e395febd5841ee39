"""Bulk people import from CSV: ``email,name,role,teams,language``.

:func:`import_plan` reads the file against the organisation's current state (a few batched
queries, whatever the number of rows) and says per row what would change, or what is wrong.
:func:`people_import_apply` re-plans inside one transaction and applies everything or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User, search_key
from microcred_web.accounts.services import password_set_link
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.common.tasks import email_send_on_commit
from microcred_web.orgs.models import (
    Membership,
    MembershipRole,
    Organisation,
    PeopleImport,
    Role,
    Team,
)
from microcred_web.orgs.selectors import admin_count
from microcred_web.orgs.services import person_joined_emit

COLUMNS = ("email", "name", "role", "teams", "language")
REQUIRED_COLUMNS = ("email", "role")
MAX_ROWS = 20_000
CHUNK = 900  # stays under SQLite's bound-parameter limit
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
SPLIT = re.compile(r"[;|]")


class Change:
    NEW_PERSON = "new_person"  # no account yet: created, e-mailed a link to choose a password
    JOINS = "joins"  # has an account (elsewhere), joins this organisation
    UPDATED = "updated"  # already a member: role change and/or team additions
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    line: int
    email: str
    name: str = ""
    roles: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    language: str = ""
    change: str = Change.UNCHANGED
    roles_before: list[str] = field(default_factory=list)
    teams_added: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]

    @property
    def roles_before_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles_before]

    @property
    def role_changed(self) -> bool:
        return self.change == Change.UPDATED and self.roles != self.roles_before


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    teams_created: list[str]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.errors]

    def counts(self) -> dict[str, int]:
        counts = {key: 0 for key in (Change.NEW_PERSON, Change.JOINS, Change.UPDATED)}
        counts.update({Change.UNCHANGED: 0, Change.ERROR: 0})
        for row in self.rows:
            counts[row.change] += 1
        counts["teams_created"] = len(self.teams_created)
        return counts


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows with their line numbers; an ApplicationError on ``file`` if unreadable."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ApplicationError(
            "columns_missing",
            _("The file needs the columns %(columns)s (first line).")
            % {"columns": ", ".join(COLUMNS)},
            "file",
        )
    reader.fieldnames = headers
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in reader:
        if len(rows) >= MAX_ROWS:
            raise ApplicationError(
                "too_many_rows",
                _("At most %(max)d people per file.") % {"max": MAX_ROWS},
                "file",
            )
        values = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
        if any(values.values()):
            rows.append((reader.line_num, values))
    if not rows:
        raise ApplicationError("file_empty", _("The file has no people in it."), "file")
    return rows


def _parse_row(line: int, values: dict[str, str], seen: dict[str, int]) -> RowPlan:
    email = values.get("email", "").lower()
    row = RowPlan(line=line, email=email, name=values.get("name", ""))
    if not EMAIL.match(email) or len(email) > 254:
        row.errors.append(_("Not a valid e-mail address."))
    elif email in seen:
        row.errors.append(
            _("Duplicate: this e-mail address is already on line %(line)d.") % {"line": seen[email]}
        )
    else:
        seen[email] = line
    wanted = {r.strip().lower() for r in SPLIT.split(values.get("role", "")) if r.strip()}
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        known = ", ".join(Role.values)
        message = _("Unknown role: %(roles)s. Use %(known)s.")
        row.errors.append(message % {"roles": ", ".join(unknown), "known": known})
    elif not wanted:
        row.errors.append(_("Give at least one role."))
    row.roles = [r for r in Role.values if r in wanted]
    teams = [t.strip() for t in values.get("teams", "").split(";") if t.strip()]
    row.teams = list(dict.fromkeys(teams))
    if any(len(t) > 120 for t in row.teams):
        row.errors.append(_("A team name is longer than 120 characters."))
    row.language = values.get("language", "").lower()
    if row.language and row.language not in {code for code, _n in settings.LANGUAGES}:
        row.errors.append(_("Unknown language: %(language)s.") % {"language": row.language})
    if len(row.name) > 150:
        row.errors.append(_("The name is longer than 150 characters."))
    return row


@dataclass
class _State:
    users: dict[str, User]
    memberships: dict[int, Membership]  # by user id
    roles: dict[int, set[str]]  # by membership id
    teams: dict[int, set[str]]  # team names (lower-case) by membership id
    team_names: dict[str, str]  # lower-case name → name


def _state(organisation: Organisation, emails: list[str]) -> _State:
    users: dict[str, User] = {}
    for part in _chunks(emails):
        users.update({u.email.lower(): u for u in User.objects.filter(email__in=part)})
    memberships: dict[int, Membership] = {}
    for part in _chunks([u.pk for u in users.values()]):
        for m in Membership.objects.filter(organisation=organisation, user_id__in=part):
            memberships[m.user_id] = m
    ids = [m.pk for m in memberships.values()]
    roles: dict[int, set[str]] = defaultdict(set)
    teams: dict[int, set[str]] = defaultdict(set)
    through = Team.members.through
    for part in _chunks(ids):
        for mid, role in MembershipRole.objects.filter(membership_id__in=part).values_list(
            "membership_id", "role"
        ):
            roles[mid].add(role)
        for mid, name in through.objects.filter(membership_id__in=part).values_list(
            "membership_id", "team__name"
        ):
            teams[mid].add(name.lower())
    existing = Team.objects.filter(organisation=organisation).values_list("name", flat=True)
    names = {name.lower(): name for name in existing}
    return _State(users, memberships, roles, teams, names)


def _compare(row: RowPlan, state: _State) -> None:
    user = state.users.get(row.email)
    membership = state.memberships.get(user.pk) if user else None
    if user is None:
        row.change, row.teams_added = Change.NEW_PERSON, row.teams
        return
    if membership is None or not membership.is_active:
        row.change, row.teams_added = Change.JOINS, row.teams
        if membership is not None:
            row.teams_added = [t for t in row.teams if t.lower() not in state.teams[membership.pk]]
        return
    row.roles_before = [r for r in Role.values if r in state.roles[membership.pk]]
    row.teams_added = [t for t in row.teams if t.lower() not in state.teams[membership.pk]]
    changed = row.roles != row.roles_before or row.teams_added
    row.change = Change.UPDATED if changed else Change.UNCHANGED


def _guard_admins(organisation: Organisation, rows: list[RowPlan]) -> None:
    """The organisation keeps at least one active administrator."""
    ok = [row for row in rows if not row.errors]
    losing = [r for r in ok if Role.ADMIN in r.roles_before and Role.ADMIN not in r.roles]
    if not losing:
        return
    gaining = [r for r in ok if Role.ADMIN in r.roles and Role.ADMIN not in r.roles_before]
    if admin_count(organisation=organisation) - len(losing) + len(gaining) <= 0:
        for row in losing:
            row.errors.append(_("The organisation would have no administrator left."))


def import_plan(*, organisation: Organisation, text: str) -> ImportPlan:
    seen: dict[str, int] = {}
    rows = [_parse_row(line, values, seen) for line, values in read_rows(text)]
    state = _state(organisation, [r.email for r in rows if not r.errors])
    for row in rows:
        if not row.errors:
            _compare(row, state)
    _guard_admins(organisation, rows)
    for row in rows:
        if row.errors:
            row.change = Change.ERROR
    created: dict[str, str] = {}
    for row in rows:
        for team in row.teams_added if not row.errors else []:
            if team.lower() not in state.team_names:
                created.setdefault(team.lower(), team)
    return ImportPlan(rows=rows, teams_created=list(created.values()))


def example_csv() -> str:
    return (
        "email,name,role,teams,language\n"
        "ana.silva@example.com,Ana Silva,learner,Warehouse;Night shift,pt\n"
        "li.wei@example.com,Li Wei,manager,Warehouse,\n"
    )


def rows_with(plan: ImportPlan, kinds: Iterable[str]) -> list[RowPlan]:
    wanted = set(kinds)
    return [row for row in plan.rows if row.change in wanted]


# --------------------------------------------------------------------------- writes


@transaction.atomic
def people_import_create(
    *, organisation: Organisation, actor: User, file_name: str, text: str
) -> PeopleImport:
    """Keep an uploaded file for preview (only a readable file with the columns is kept)."""
    read_rows(text)
    return PeopleImport.objects.create(
        organisation=organisation, created_by=actor, file_name=file_name[:200], csv_text=text
    )


def _new_users(rows: list[RowPlan], organisation: Organisation) -> dict[str, User]:
    users = []
    for row in rows:
        user = User(
            email=row.email,
            display_name=row.name,
            preferred_language=row.language or organisation.default_language,
            search_text=search_key(row.name, row.email),
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    created: dict[str, User] = {}
    for part in _chunks([row.email for row in rows]):  # the ids, on every database
        created.update({u.email: u for u in User.objects.filter(email__in=part)})
    return created


def _memberships(
    organisation: Organisation, plan: ImportPlan, new_users: dict[str, User]
) -> dict[str, Membership]:
    """Every row's membership (created or reactivated as needed), by e-mail."""
    rows = [r for r in plan.rows if r.change != Change.UNCHANGED]
    users = dict(new_users)
    for part in _chunks([r.email for r in rows if r.email not in users]):
        users.update({u.email: u for u in User.objects.filter(email__in=part)})
    existing: dict[int, Membership] = {}
    for part in _chunks([u.pk for u in users.values()]):
        for m in Membership.objects.filter(organisation=organisation, user_id__in=part):
            existing[m.user_id] = m
    missing = [
        Membership(user=users[r.email], organisation=organisation)
        for r in rows
        if users[r.email].pk not in existing
    ]
    Membership.objects.bulk_create(missing, batch_size=500)
    joined = [m.user for m in missing]
    if joined:
        person_joined_emit(organisation=organisation, users=joined)
    inactive = [m.pk for m in existing.values() if not m.is_active]
    Membership.objects.filter(pk__in=inactive).update(is_active=True)
    for part in _chunks([u.pk for u in users.values()]):
        for m in Membership.objects.filter(organisation=organisation, user_id__in=part):
            existing[m.user_id] = m
    return {r.email: existing[users[r.email].pk] for r in rows}


def _roles_and_teams(
    organisation: Organisation, plan: ImportPlan, memberships: dict[str, Membership]
) -> None:
    Team.objects.bulk_create([Team(organisation=organisation, name=n) for n in plan.teams_created])
    teams = {t.name.lower(): t for t in Team.objects.filter(organisation=organisation)}
    rows = [r for r in plan.rows if r.email in memberships]
    ids = [memberships[r.email].pk for r in rows]
    for part in _chunks(ids):
        MembershipRole.objects.filter(membership_id__in=part).delete()
    MembershipRole.objects.bulk_create(
        [
            MembershipRole(membership=memberships[r.email], role=role)
            for r in rows
            for role in r.roles
        ],
        batch_size=900,
    )
    through = Team.members.through
    links = [
        through(team_id=teams[name.lower()].pk, membership_id=memberships[r.email].pk)
        for r in rows
        for name in r.teams_added
    ]
    through.objects.bulk_create(links, batch_size=900, ignore_conflicts=True)


def _welcome_on_commit(organisation: Organisation, people: list[tuple[User, bool]]) -> None:
    sign_in = str(settings.BASE_URL).rstrip("/") + reverse("accounts:sign_in")
    for user, is_new in people:
        with translation.override(user.preferred_language or organisation.default_language):
            subject = _("You are invited to join %(name)s on microcred") % {
                "name": organisation.name
            }
            body = render_to_string(
                "orgs/email/imported.txt",
                {
                    "organisation": organisation,
                    "user": user,
                    "link": password_set_link(user) if is_new else sign_in,
                    "is_new": is_new,
                },
            )
        email_send_on_commit(subject=subject, body=body, to=[user.email])


@transaction.atomic
def people_import_apply(
    *, people_import: PeopleImport, actor: User, ip: str | None = None
) -> ImportPlan:
    """Apply the file: everything or nothing. Refused while any row has an error."""
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if locked.applied_at is not None:
        raise ApplicationError("import_applied", _("This file was already imported."), status=409)
    organisation = locked.organisation
    plan = import_plan(organisation=organisation, text=locked.csv_text)
    if plan.error_rows:
        raise ApplicationError(
            "import_has_errors",
            _("Correct the rows with errors, then upload the file again. Nothing was imported."),
            "file",
        )
    new_rows = [r for r in plan.rows if r.change == Change.NEW_PERSON]
    new_users = _new_users(new_rows, organisation)
    memberships = _memberships(organisation, plan, new_users)
    _roles_and_teams(organisation, plan, memberships)
    counts = plan.counts()
    locked.applied_at = timezone.now()
    locked.summary = counts
    locked.save(update_fields=["applied_at", "summary"])
    audit_record(
        action="orgs.people_imported",
        actor=actor,
        organisation=organisation,
        target=locked,
        data=counts,
        ip=ip,
    )
    joined = [r for r in plan.rows if r.change in (Change.NEW_PERSON, Change.JOINS)]
    _welcome_on_commit(
        organisation,
        [(memberships[r.email].user, r.change == Change.NEW_PERSON) for r in joined],
    )
    return plan
