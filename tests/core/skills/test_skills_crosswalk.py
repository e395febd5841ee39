"""Crosswalk candidates (pure core): lexical and vector matching, the cut and the count."""

from __future__ import annotations

import numpy as np

from microcred.skills.crosswalk import Match, lexical_matches, source_text, vector_matches
from microcred.skills.suggest import SkillText

SOURCES = [
    SkillText("c1", "Forklift operation", ("Chariot élévateur",), "Operate a forklift truck."),
    SkillText("c2", "Stock control", (), "Keep accurate stock records; cycle counts."),
    SkillText("c3", "Underwater basket weaving"),
]
TARGETS = [
    SkillText("o1", "Driving forklift trucks"),
    SkillText("o2", "Stock counting", (), "Cycle counts and stock records."),
    SkillText("o3", "Complaint handling"),
]


def test_source_text_reads_label_other_names_and_description() -> None:
    assert source_text(SOURCES[0]) == (
        "Forklift operation; Chariot élévateur. Operate a forklift truck."
    )


def test_lexical_matches_the_closest_and_cuts_the_rest() -> None:
    found = lexical_matches(SOURCES, TARGETS, min_score=0.2)
    assert [(m.source, m.target) for m in found] == [("c1", "o1"), ("c2", "o2")]
    assert all(0.2 <= m.score <= 1 for m in found)
    assert lexical_matches(SOURCES, TARGETS, min_score=1.01) == []
    assert lexical_matches(SOURCES, [], min_score=0) == []
    two = lexical_matches(SOURCES[:1], TARGETS, per_source=2)
    assert len(two) <= 2 and two[0].target == "o1"


def _unit(*rows: list[float]) -> np.ndarray:
    array = np.array(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_vector_matches_rank_by_cosine_per_source() -> None:
    sources = _unit([1, 0, 0], [0, 1, 0.1])
    targets = _unit([0.9, 0.1, 0], [0, 1, 0], [0.7, 0.7, 0])
    found = vector_matches(["a", "b"], sources, ["x", "y", "z"], targets, per_source=2)
    assert [(m.source, m.target) for m in found] == [("a", "x"), ("a", "z"), ("b", "y"), ("b", "z")]
    assert found[0].score > found[1].score
    cut = vector_matches(["a", "b"], sources, ["x", "y", "z"], targets, min_score=0.99)
    assert cut == [Match("a", "x", cut[0].score), Match("b", "y", cut[1].score)]
    assert vector_matches([], sources[:0], ["x"], targets[:1]) == []
