"""Crosswalk candidates: for each skill of one framework, the closest skills of another.

Two ways, the same as suggestions (:mod:`microcred.skills.suggest`):

- :func:`lexical_matches`: the source skill's label, first alternative labels and the start of
  its description are the "text" a :class:`LexicalSuggester` over the target skills ranks;
- :func:`vector_matches`: cosine between stored unit vectors of both sides (the passage vectors
  the suggestions already keep: no query is embedded, one matrix product per chunk).

Both keep, per source, at most ``per_source`` targets scoring at least ``min_score``, best first
(ties by key). Scores rank; the cut keeps obvious non-matches out of the review list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from microcred.skills.suggest import LexicalSuggester, SkillText

if TYPE_CHECKING:
    import numpy.typing as npt

ALTERNATIVES = 3
DESCRIPTION_CHARS = 200
CHUNK = 512


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    score: float


def source_text(skill: SkillText) -> str:
    """What a source skill is matched on: its label, a few other names, its description's
    start."""
    parts = [skill.label, *skill.alt_labels[:ALTERNATIVES]]
    text = "; ".join(p for p in parts if p)
    if skill.description:
        text += ". " + skill.description[:DESCRIPTION_CHARS]
    return text


def lexical_matches(
    sources: Sequence[SkillText],
    targets: Sequence[SkillText],
    *,
    per_source: int = 1,
    min_score: float = 0.0,
) -> list[Match]:
    if not sources or not targets or per_source < 1:
        return []
    suggester = LexicalSuggester(targets)
    found = []
    for skill in sources:
        for hit in suggester.suggest(source_text(skill), per_source):
            if hit.score >= min_score:
                found.append(Match(skill.key, hit.key, hit.score))
    return found


def vector_matches(
    source_keys: Sequence[str],
    source_vectors: npt.NDArray[Any],
    target_keys: Sequence[str],
    target_vectors: npt.NDArray[Any],
    *,
    per_source: int = 1,
    min_score: float = 0.0,
) -> list[Match]:
    """Rows of the vector arrays are unit vectors, one per key."""
    import numpy as np

    if len(source_keys) != len(source_vectors) or len(target_keys) != len(target_vectors):
        raise ValueError("one vector per key")
    count = min(per_source, len(target_keys))
    if count < 1 or not len(source_keys):
        return []
    targets = np.asarray(target_vectors, dtype=np.float32)
    found = []
    for start in range(0, len(source_keys), CHUNK):
        chunk = np.asarray(source_vectors[start : start + CHUNK], dtype=np.float32)
        scores = chunk @ targets.T
        top = np.argpartition(-scores, count - 1, axis=1)[:, :count]
        for row, columns in enumerate(top):
            pairs = sorted(
                ((float(scores[row, c]), target_keys[c]) for c in columns),
                key=lambda pair: (-pair[0], pair[1]),
            )
            found += [
                Match(source_keys[start + row], key, round(score, 4))
                for score, key in pairs
                if score >= min_score
            ]
    return found


__all__ = ["Match", "lexical_matches", "source_text", "vector_matches"]
