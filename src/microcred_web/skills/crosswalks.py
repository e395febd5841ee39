"""Crosswalks between frameworks (decision 0028): proposals by the suggestion model, an
administrator's decisions, manual additions.

A proposal run matches every skill of a source framework with the skills of a target framework
(semantic vectors when the model and the organisation's vectors are there, lexical otherwise)
and stores the best ones as *proposed* rows. It is idempotent: a pair already known (in either
direction, whatever its state) is never proposed again, so a rejected proposal stays rejected;
a source skill already confirmed to a skill of the target framework gets no new proposal.
Runs over more than :data:`INLINE_LIMIT` source skills go to the background task worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.skills.crosswalk import Match, lexical_matches, vector_matches
from microcred.skills.suggest import SkillText
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation
from microcred_web.skills import suggesting
from microcred_web.skills.evidence import evidence_sync_later
from microcred_web.skills.models import (
    CrosswalkRelation,
    CrosswalkState,
    Framework,
    Skill,
    SkillCrosswalk,
)

INLINE_LIMIT = 300
INLINE_EMBED = 50  # skills without stored vectors an inline run embeds itself
MAX_PER_SOURCE = 3
#: (minimum score to propose, score from which "exact" is proposed) per backend
CUTS = {"lexical": (0.35, 0.8), "semantic": (0.86, 0.92)}
DECISIONS = {"exact", "related", "reject"}
GROUP = "group"  # ESCO hierarchy nodes: not skills, never matched


@dataclass(frozen=True)
class ProposalRun:
    created: int
    backend: str
    queued: bool = False


def _framework(organisation: Organisation, value: Any, field: str) -> Framework:
    framework = Framework.objects.filter(
        organisation=organisation, pk=value if str(value).isdigit() else 0
    ).first()
    if framework is None:
        raise ApplicationError("unknown_framework", _("Choose one of your frameworks."), field)
    return framework


def _skill(organisation: Organisation, value: Any, field: str) -> Skill:
    skill = (
        Skill.objects.filter(organisation=organisation, pk=value if str(value).isdigit() else 0)
        .select_related("framework")
        .first()
    )
    if skill is None:
        raise ApplicationError("unknown_skill", _("Choose one of your skills."), field)
    return skill


def _texts(framework: Framework) -> list[SkillText]:
    skills = Skill.objects.filter(framework=framework).exclude(skill_type=GROUP).order_by("pk")
    return [
        SkillText(str(s.pk), s.label, tuple(s.alt_labels or ()), s.description)
        for s in skills.only("pk", "label", "alt_labels", "description")
    ]


def _stored_rows(organisation: Organisation) -> tuple[dict[str, int], Any] | None:
    data = suggesting.load_vectors(organisation)
    if data is None:
        return None
    return {str(k): i for i, k in enumerate(data["keys"])}, data["vectors"]


def _semantic(
    organisation: Organisation,
    sources: list[SkillText],
    targets: list[SkillText],
    per: int,
    refresh: bool,
) -> list[Match] | None:
    """Matches from the stored passage vectors; None without the model or when vectors are
    missing. Missing vectors are embedded first in the background run, or inline when only
    a few are (a skill just added); otherwise an inline run falls back to lexical."""
    import numpy as np

    if not suggesting.model_available():
        return None
    everyone = [s.key for s in [*sources, *targets]]
    stored = _stored_rows(organisation)
    missing = len(everyone) if stored is None else sum(k not in stored[0] for k in everyone)
    if missing and (refresh or missing <= INLINE_EMBED):
        suggesting.vectors_refresh(organisation=organisation)
        stored = _stored_rows(organisation)
    if stored is None or any(k not in stored[0] for k in everyone):
        return None
    rows, vectors = stored
    return vector_matches(
        [s.key for s in sources],
        np.stack([vectors[rows[s.key]] for s in sources]),
        [t.key for t in targets],
        np.stack([vectors[rows[t.key]] for t in targets]),
        per_source=per,
        min_score=CUTS["semantic"][0],
    )


def _matches(
    organisation: Organisation,
    sources: list[SkillText],
    targets: list[SkillText],
    per: int,
    backend: str,
    refresh: bool,
) -> tuple[list[Match], str]:
    if backend != "lexical" and sources and targets:
        found = _semantic(organisation, sources, targets, per, refresh)
        if found is not None:
            return found, f"semantic:{suggesting.MODEL}"
    lexical = lexical_matches(sources, targets, per_source=per, min_score=CUTS["lexical"][0])
    return lexical, "lexical"


def _known_pairs(organisation: Organisation, skill_ids: Iterable[int]) -> set[tuple[int, int]]:
    ids = list(skill_ids)
    rows = SkillCrosswalk.objects.filter(organisation=organisation).filter(
        Q(source_id__in=ids) | Q(target_id__in=ids)
    )
    pairs = set()
    for source, target in rows.values_list("source_id", "target_id"):
        pairs |= {(source, target), (target, source)}
    return pairs


def _settled(organisation: Organisation, source: Framework, target: Framework) -> set[int]:
    """Source skills already confirmed to a skill of the target framework (either way)."""
    confirmed = SkillCrosswalk.objects.filter(
        organisation=organisation, state=CrosswalkState.CONFIRMED
    )
    forward = confirmed.filter(source__framework=source, target__framework=target)
    backward = confirmed.filter(source__framework=target, target__framework=source)
    return set(forward.values_list("source_id", flat=True)) | set(
        backward.values_list("target_id", flat=True)
    )


@transaction.atomic
def crosswalks_propose_run(
    *,
    organisation: Organisation,
    actor: Any,
    source_framework: Framework,
    target_framework: Framework,
    per_source: int = 1,
    backend: str = "",
    refresh_vectors: bool = False,
) -> ProposalRun:
    """Match now and store new proposals (the background task calls this too, with
    ``refresh_vectors``: it may embed every skill still missing a vector first)."""
    settled = _settled(organisation, source_framework, target_framework)
    sources = [s for s in _texts(source_framework) if int(s.key) not in settled]
    targets = _texts(target_framework)
    found, used = _matches(organisation, sources, targets, per_source, backend, refresh_vectors)
    known = _known_pairs(organisation, (int(m.source) for m in found))
    exact_from = CUTS["semantic" if used != "lexical" else "lexical"][1]
    new = [
        SkillCrosswalk(
            organisation=organisation,
            source_id=int(m.source),
            target_id=int(m.target),
            relation=CrosswalkRelation.EXACT
            if m.score >= exact_from
            else CrosswalkRelation.RELATED,
            state=CrosswalkState.PROPOSED,
            score=m.score,
            proposed_by=used[:80],
        )
        for m in found
        if (int(m.source), int(m.target)) not in known
    ]
    SkillCrosswalk.objects.bulk_create(new)
    audit_record(
        action="skills.crosswalks_proposed",
        actor=actor,
        organisation=organisation,
        target=source_framework,
        data={"target_framework": target_framework.pk, "created": len(new), "backend": used},
    )
    return ProposalRun(len(new), used)


def crosswalks_propose(
    *,
    organisation: Organisation,
    actor: Any,
    source_framework_id: Any,
    target_framework_id: Any,
    per_source: Any = 1,
    backend: str = "",
) -> ProposalRun:
    """Validate, then run inline (small source framework) or queue the run."""
    source = _framework(organisation, source_framework_id, "source_framework")
    target = _framework(organisation, target_framework_id, "target_framework")
    if source.pk == target.pk:
        raise ApplicationError(
            "same_framework", _("Choose two different frameworks."), "target_framework"
        )
    try:
        per = int(per_source)
    except (TypeError, ValueError):
        per = 0
    if not 1 <= per <= MAX_PER_SOURCE:
        raise ApplicationError(
            "per_source",
            _("Propose between 1 and %(n)d matches per skill.") % {"n": MAX_PER_SOURCE},
            "per_source",
        )
    if Skill.objects.filter(framework=source).exclude(skill_type=GROUP).count() <= INLINE_LIMIT:
        return crosswalks_propose_run(
            organisation=organisation,
            actor=actor,
            source_framework=source,
            target_framework=target,
            per_source=per,
            backend=backend,
        )
    from microcred_web.skills.tasks import skills_crosswalks_task

    ids = (organisation.pk, source.pk, target.pk, getattr(actor, "pk", None))
    transaction.on_commit(
        lambda: skills_crosswalks_task.enqueue(
            organisation_id=ids[0],
            source_framework_id=ids[1],
            target_framework_id=ids[2],
            actor_id=ids[3],
            per_source=per,
            backend=backend,
        )
    )
    return ProposalRun(0, backend or "semantic", queued=True)


def _carries_evidence(row: SkillCrosswalk) -> bool:
    return row.state == CrosswalkState.CONFIRMED and row.relation == CrosswalkRelation.EXACT


@transaction.atomic
def crosswalks_decide(
    *, organisation: Organisation, actor: Any, crosswalk_ids: Iterable[Any], decision: str
) -> int:
    """Confirm (as exact or related) or reject the chosen crosswalks; returns how many."""
    if decision not in DECISIONS:
        raise ApplicationError("decision", _("Choose exact, related or reject."), "decision")
    ids = [int(v) for v in crosswalk_ids if str(v).isdigit()]
    rows = list(
        SkillCrosswalk.objects.select_for_update().filter(organisation=organisation, pk__in=ids)
    )
    if not rows or len(rows) != len(set(ids)):
        raise ApplicationError(
            "unknown_crosswalk", _("Choose crosswalks of this list."), "crosswalk"
        )
    now, resync = timezone.now(), False
    for row in rows:
        before = _carries_evidence(row)
        if decision == "reject":
            row.state = CrosswalkState.REJECTED
        else:
            row.state, row.relation = CrosswalkState.CONFIRMED, decision
        row.decided_by, row.decided_at = actor, now
        row.save(update_fields=["state", "relation", "decided_by", "decided_at"])
        resync = resync or before or _carries_evidence(row)
        audit_record(
            action=f"skills.crosswalk_{'rejected' if decision == 'reject' else 'confirmed'}",
            actor=actor,
            organisation=organisation,
            target=row,
            data={"source": row.source_id, "target": row.target_id, "relation": row.relation},
        )
    if resync:
        evidence_sync_later(organisation=organisation)
    return len(rows)


@transaction.atomic
def crosswalk_add(
    *,
    organisation: Organisation,
    actor: Any,
    source_skill_id: Any,
    target_skill_id: Any,
    relation: str,
) -> SkillCrosswalk:
    """An administrator's own crosswalk, confirmed at once (an existing pair is updated)."""
    source = _skill(organisation, source_skill_id, "source_skill")
    target = _skill(organisation, target_skill_id, "target_skill")
    if source.framework_id == target.framework_id:
        raise ApplicationError(
            "same_framework",
            _("Choose a skill of another framework: crosswalks link two frameworks."),
            "target_skill",
        )
    if relation not in CrosswalkRelation.values:
        raise ApplicationError("relation", _("Choose exact or related."), "relation")
    row = (
        SkillCrosswalk.objects.filter(organisation=organisation)
        .filter(Q(source=source, target=target) | Q(source=target, target=source))
        .first()
    )
    before = row is not None and _carries_evidence(row)
    if row is None:
        row = SkillCrosswalk(organisation=organisation, source=source, target=target)
    row.relation, row.state = relation, CrosswalkState.CONFIRMED
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save()
    audit_record(
        action="skills.crosswalk_added",
        actor=actor,
        organisation=organisation,
        target=row,
        data={"source": source.pk, "target": target.pk, "relation": relation},
    )
    if before or _carries_evidence(row):
        evidence_sync_later(organisation=organisation)
    return row
