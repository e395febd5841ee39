"""An organisation's export (a zip of JSON files) and its deletion, which requires one.

The zip holds ``organisation.json`` (settings, issuer identity, public keys), ``people.json``
(memberships with roles and teams), ``achievements.json`` (achievements and their versions),
``credentials.json`` (every issued credential's signed JSON and its status) and ``audit.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core import serializers
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement, AchievementVersion
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.common.services import audit_record
from microcred_web.instance.models import OrganisationExport
from microcred_web.issuing.identity import issuer_did, issuer_profile_dict
from microcred_web.issuing.models import Credential, IssuerKey
from microcred_web.orgs.models import Membership, Organisation, Team

MAX_DELETE_ROUNDS = 30


def _organisation_json(organisation: Organisation) -> dict[str, Any]:
    keys = IssuerKey.objects.filter(organisation=organisation).order_by("created_at")
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "country": organisation.country,
        "default_language": organisation.default_language,
        "primary_colour": organisation.primary_colour,
        "accent_colour": organisation.accent_colour,
        "created_at": organisation.created_at.isoformat(),
        "issuer": {"did": issuer_did(organisation), "profile": issuer_profile_dict(organisation)},
        "keys": [
            {
                "key_id": key.key_id,
                "public_multibase": key.public_multibase,
                "created_at": key.created_at.isoformat(),
                "retired_at": key.retired_at.isoformat() if key.retired_at else None,
            }
            for key in keys
        ],
    }


def _people_json(organisation: Organisation) -> list[dict[str, Any]]:
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("roles", "teams", "managed_teams")
        .order_by("user__email")
    )
    return [
        {
            "email": m.user.email,
            "name": m.user.display_name,
            "language": m.user.preferred_language,
            "active": m.is_active,
            "roles": m.role_names,
            "teams": sorted(t.name for t in m.teams.all()),
            "manages": sorted(t.name for t in m.managed_teams.all()),
            "joined_at": m.created_at.isoformat(),
        }
        for m in memberships
    ]


def _credentials_json(organisation: Organisation) -> Iterable[dict[str, Any]]:
    now = timezone.now()
    for credential in Credential.objects.filter(organisation=organisation).order_by("issued_at"):
        yield {
            "id": str(credential.public_id),
            "recipient_email": credential.recipient_email,
            "status": credential.status_at(now),
            "issued_at": credential.issued_at.isoformat(),
            "signed": credential.document,
        }


def _audit_json(organisation: Organisation) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor")
    return [
        {
            "at": e.created_at.isoformat(),
            "action": e.action,
            "actor": e.actor.email if e.actor else None,
            "target": f"{e.target_type}:{e.target_id}",
            "target_label": e.target_label,
            "data": e.data,
        }
        for e in events.order_by("created_at", "id")
    ]


def export_bytes(organisation: Organisation) -> bytes:
    """The zip, built in memory (an organisation's records fit; files are not included)."""
    achievements = Achievement.objects.filter(organisation=organisation).order_by("pk")
    versions = AchievementVersion.objects.filter(achievement__organisation=organisation)
    parts: dict[str, Any] = {
        "organisation.json": _organisation_json(organisation),
        "people.json": _people_json(organisation),
        "teams.json": [
            {"name": t.name, "members": t.members.count()}
            for t in Team.objects.filter(organisation=organisation)
        ],
        "achievements.json": {
            "achievements": json.loads(serializers.serialize("json", achievements)),
            "versions": json.loads(serializers.serialize("json", versions.order_by("pk"))),
        },
        "credentials.json": list(_credentials_json(organisation)),
        "audit.json": _audit_json(organisation),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            text = json.dumps(content, ensure_ascii=False, indent=1, default=str)
            archive.writestr(f"{organisation.slug}/{name}", text)
    return buffer.getvalue()


@transaction.atomic
def organisation_export(
    *, organisation: Organisation, actor: User, ip: str | None = None
) -> tuple[bytes, OrganisationExport]:
    """Build the export and record that ``actor`` downloaded it."""
    data = export_bytes(organisation)
    record = OrganisationExport.objects.create(
        organisation=organisation,
        operator=actor,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    audit_record(
        action="instance.organisation_exported",
        actor=actor,
        organisation=organisation,
        target=organisation,
        data={"sha256": record.sha256, "size": record.size},
        ip=ip,
    )
    return data, record


def _protectors(error: ProtectedError) -> list[QuerySet[Any]]:
    by_model: dict[type[models.Model], set[Any]] = defaultdict(set)
    for obj in error.protected_objects:
        by_model[type(obj)].add(obj.pk)
    return [model._default_manager.filter(pk__in=pks) for model, pks in by_model.items()]


def _delete_all(querysets: list[QuerySet[Any]]) -> None:
    """Delete, first deleting whatever protects the rows (PROTECT foreign keys between
    records that all belong to the organisation being deleted)."""
    pending = querysets
    for _round in range(MAX_DELETE_ROUNDS):
        blocked: list[QuerySet[Any]] = []
        for queryset in pending:
            try:
                with transaction.atomic():
                    queryset.delete()
            except ProtectedError as error:
                blocked.extend(_protectors(error))
                blocked.append(queryset)
        if not blocked:
            return
        pending = blocked
    raise ApplicationError(
        "delete_blocked", _("The organisation could not be deleted."), status=409
    )


@transaction.atomic
def organisation_delete(
    *, organisation: Organisation, actor: User, confirm_slug: str, ip: str | None = None
) -> None:
    """Delete the organisation and everything it owns, once an export was downloaded and the
    operator typed its short name. People's accounts stay (they may hold other credentials)."""
    if not actor.is_operator:
        raise ApplicationError(
            "not_operator", _("Only instance operators may do this."), status=403
        )
    export = OrganisationExport.objects.filter(organisation=organisation).first()
    if export is None:
        raise ApplicationError(
            "export_required", _("Download the organisation's export first."), "confirm_slug"
        )
    if confirm_slug.strip() != organisation.slug:
        raise ApplicationError(
            "confirm_mismatch",
            _("Type the organisation's short name exactly to confirm."),
            "confirm_slug",
        )
    summary = {
        "slug": organisation.slug,
        "name": organisation.name,
        "export_sha256": export.sha256,
        "credentials": Credential.objects.filter(organisation=organisation).count(),
    }
    AuditEvent.objects.filter(organisation=organisation).delete()
    _delete_all([Organisation.objects.filter(pk=organisation.pk)])
    audit_record(action="instance.organisation_deleted", actor=actor, data=summary, ip=ip)
