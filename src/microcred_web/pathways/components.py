"""What a pathway's goal and milestone credentials say about their components, and how a CLR
2.0 transcript groups a learner's achievements by pathway.

* The goal (or a milestone) credential carries one OB 3.0 ``evidence`` entry per component
  credential the learner holds: its id (the credential's URL) and the achievement's name;
  a recognised external credential is named with its issuer. Bound late by
  ``awards.services.award_issue``.
* The CLR transcript adds ``achievement`` (the goal, milestones and the components among the
  exported credentials, with their ``creditsAvailable``) and ``association`` entries: each
  component ``isPartOf`` the goal, each milestone ``isChildOf`` it. Bound late by
  ``wallet.clr.clr_issue``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from microcred.pathways import Pathway as Definition
from microcred.pathways.recognition import COUNTS, matches, standing
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation
from microcred_web.pathways.models import Pathway, Recognition
from microcred_web.pathways.recognition import external_of, rule_of
from microcred_web.wallet.models import ImportedCredential

REF_PREFIX = "achievement:"


def _published(organisation_ids: Iterable[int]) -> list[tuple[Pathway, Definition]]:
    pathways = Pathway.objects.filter(
        organisation_id__in=list(organisation_ids), published_version__isnull=False
    ).select_related("published_version")
    return [(p, p.published_version.definition) for p in pathways if p.published_version]


def _components_of(definition: Definition, ref: str) -> list[str] | None:
    """Refs of the items ``ref`` (the goal or a milestone) is made of; None: neither."""
    if definition.goal.ref == ref:
        return [item.ref for item in definition.items()]
    for milestone in definition.milestones:
        if milestone.achievement.ref == ref:
            steps = [definition.step(step_id) for step_id in milestone.after]
            refs = [item.ref for step in steps if step for item in step.items]
            return list(dict.fromkeys(refs))
    return None


def _held_credentials(organisation: Organisation, user: Any, refs: list[str]) -> list[Credential]:
    ids = [ref.removeprefix(REF_PREFIX) for ref in refs]
    now = timezone.now()
    return list(
        Credential.objects.filter(organisation=organisation)
        .filter(Q(recipient_user=user) | Q(recipient_email__iexact=user.email))
        .filter(achievement_version__achievement__public_id__in=ids)
        .filter(revoked_at__isnull=True, suspended_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("achievement_version__achievement")
        .order_by("issued_at", "pk")
    )


def component_evidence(
    organisation: Organisation, achievement: Any, user: Any
) -> list[dict[str, Any]]:
    """OB 3.0 evidence naming each component credential of ``achievement`` (a pathway goal or
    milestone) that ``user`` holds; [] for any other achievement. No duplicate, no null."""
    ref = f"{REF_PREFIX}{achievement.public_id}"
    out: dict[str, dict[str, Any]] = {}
    for pathway, definition in _published([organisation.pk]):
        refs = _components_of(definition, ref)
        if not refs:
            continue
        for credential in _held_credentials(organisation, user, refs):
            name = credential.achievement_version.achievement.name
            document_id = credential.document.get("id")
            key = document_id if isinstance(document_id, str) else str(credential.public_id)
            out.setdefault(
                key,
                {
                    "id": key,
                    "type": ["Evidence"],
                    "name": name,
                    "genre": "Component credential",
                    "narrative": f"Component of the pathway ‘{pathway.name}’: ‘{name}’, "
                    f"issued {credential.issued_at.date().isoformat()}.",
                },
            )
        out.update(_recognised_evidence(pathway, refs, user, out))
    return list(out.values())


def _recognised_evidence(
    pathway: Pathway, refs: list[str], user: Any, taken: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Evidence for the learner's imported credentials recognised as one of ``refs``."""
    recognitions = [
        r
        for r in Recognition.objects.filter(organisation=pathway.organisation, pathway=pathway)
        if r.counts_as in refs
    ]
    if not recognitions:
        return {}
    now = timezone.now()
    out: dict[str, dict[str, Any]] = {}
    for imported in ImportedCredential.objects.filter(owner=user).select_related("owner"):
        external = external_of(imported)
        for recognition in recognitions:
            rule = rule_of(recognition)
            if not matches(rule, external) or standing(rule, external, now) != COUNTS:
                continue
            document = imported.document or {}
            own_id = document.get("id")
            key = own_id if isinstance(own_id, str) and ":" in own_id else ""
            key = key or f"urn:uuid:{imported.public_id}"
            if key in taken or key in out:
                continue
            out[key] = {
                "id": key,
                "type": ["Evidence"],
                "name": imported.name or recognition.counts_as_label,
                "genre": "Recognised credential",
                "narrative": f"Issued by {imported.issuer_name or external.issuer_id}; "
                f"recognised in the pathway ‘{pathway.name}’ as "
                f"‘{recognition.counts_as_label}’.",
            }
    return out


# ----------------------------------------------------------------------------- CLR 2.0


def _achievement_of(credential: Credential) -> dict[str, Any]:
    subject = credential.document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return achievement if isinstance(achievement, dict) else {}


def clr_pathway_parts(user: Any, credentials: Sequence[Credential]) -> dict[str, list[Any]]:
    """``achievement`` and ``association`` entries of a ClrSubject grouping ``credentials``
    by the pathways they belong to (only pathways with at least one of them)."""
    by_ref: dict[str, dict[str, Any]] = {}
    for credential in credentials:
        achievement = credential.achievement_version.achievement
        by_ref[f"{REF_PREFIX}{achievement.public_id}"] = _achievement_of(credential)
    achievements: dict[str, dict[str, Any]] = {}
    associations: dict[tuple[str, str, str], dict[str, str]] = {}
    for _pathway, definition in _published({c.organisation_id for c in credentials}):
        goal = _achievement_json(definition.goal.ref, by_ref)
        parts = [ref for ref in (item.ref for item in definition.items()) if ref in by_ref]
        milestones = [m.achievement.ref for m in definition.milestones]
        if goal is None or not (parts or definition.goal.ref in by_ref):
            continue
        achievements.setdefault(goal["id"], goal)
        links = [(ref, "isPartOf") for ref in parts]
        links += [(ref, "isChildOf") for ref in milestones if ref in by_ref]
        for ref, kind in links:
            source = by_ref[ref]
            if not source.get("id") or source["id"] == goal["id"]:
                continue
            achievements.setdefault(source["id"], source)
            associations.setdefault(
                (kind, source["id"], goal["id"]),
                {
                    "type": "Association",
                    "associationType": kind,
                    "sourceId": source["id"],
                    "targetId": goal["id"],
                },
            )
    if not associations:
        return {}
    return {"achievement": list(achievements.values()), "association": list(associations.values())}


def _achievement_json(ref: str, held: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The goal's OB 3.0 Achievement: as signed in the learner's credential, else its
    organisation's current published version."""
    if held.get(ref):
        return held[ref]
    from microcred_web.achievements.models import Achievement

    achievement = (
        Achievement.objects.filter(public_id=ref.removeprefix(REF_PREFIX))
        .select_related("current_version")
        .first()
    )
    version = achievement.current_version if achievement else None
    data = version.achievement_json if version is not None else None
    return data if isinstance(data, dict) and data.get("id") else None
