"""Related roles from shared essential skills (Jaccard, top k above a threshold)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills.related import RelatedRole, related_roles

ROLES = {
    "forklift driver": {"forklift", "pallets", "safety", "loading", "stock"},
    "warehouse lead": {"forklift", "pallets", "safety", "loading", "rota", "coaching"},
    "stock clerk": {"stock", "counting", "records", "safety"},
    "chef": {"knives", "menus", "hygiene"},
}


def test_roles_sharing_essential_skills_are_related_best_first():
    found = related_roles(ROLES, top_k=2, threshold=0.1, min_shared=2)
    by_source = {}
    for row in found:
        by_source.setdefault(row.source, []).append(row)
    # 4 shared of 7 distinct skills
    assert by_source["forklift driver"][0] == RelatedRole(
        "forklift driver", "warehouse lead", 4, round(4 / 7, 4)
    )
    assert [r.target for r in by_source["forklift driver"]] == ["warehouse lead", "stock clerk"]
    assert "chef" not in by_source  # shares nothing with anyone
    assert all(r.target != "chef" for r in found)
    # stock clerk shares only "safety" with the lead: below min_shared
    assert [r.target for r in by_source["stock clerk"]] == ["forklift driver"]


def test_threshold_top_k_and_min_shared_cut():
    assert related_roles(ROLES, threshold=0.6, min_shared=1) == []
    only_best = related_roles(ROLES, top_k=1, threshold=0.0, min_shared=1)
    assert len({r.source for r in only_best}) == len(only_best)
    assert related_roles({"a": {"x"}, "b": set()}, min_shared=1, threshold=0) == []


role_sets = st.dictionaries(
    st.text("abcdef", min_size=1, max_size=3),
    st.sets(st.sampled_from("pqrstuvwxyz"), max_size=8),
    max_size=8,
)


@given(role_sets)
def test_properties(roles):
    found = related_roles(roles, top_k=3, threshold=0.2, min_shared=1)
    for row in found:
        shared = len(set(roles[row.source]) & set(roles[row.target]))
        union = len(set(roles[row.source]) | set(roles[row.target]))
        assert row.source != row.target and row.shared == shared >= 1
        assert abs(row.score - shared / union) < 1e-4 and row.score >= 0.2
    # symmetric score; at most k per source; deterministic
    pairs = {(r.source, r.target): r.score for r in found}
    for (a, b), score in pairs.items():
        if (b, a) in pairs:
            assert pairs[(b, a)] == score
    for source in {r.source for r in found}:
        assert sum(r.source == source for r in found) <= 3
    assert related_roles(dict(reversed(list(roles.items()))), top_k=3, min_shared=1) == found
