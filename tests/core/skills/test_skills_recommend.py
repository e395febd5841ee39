"""Recommendations, training needs and career paths (examples and Hypothesis properties)."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills import Requirement, role_gap
from microcred.skills.recommend import (
    Offer,
    RoleNeed,
    career_path,
    closest,
    recommend,
    training_needs,
)

LEAD = [Requirement("stock", 3, 1), Requirement("plan", 3, 2), Requirement("coach", 3, 2)]


def need(held, reqs=LEAD, role="Warehouse team lead"):
    return RoleNeed(role, role_gap(held, reqs))


def test_ranked_by_gap_weight_closed_with_reasons():
    offers = [
        Offer("course:1", "course", "Stock basics", {"stock": 3}),
        Offer("course:2", "course", "Leading shifts", {"plan": 3, "coach": 2}),
        Offer("credential:3", "credential", "Forklift", {"forklift": 3}),
    ]
    ranked = recommend([need({"stock": 1})], offers)
    assert [r.offer.key for r in ranked] == ["course:2", "course:1"]
    assert round(ranked[0].closes, 3) == round(2 + 2 * 2 / 3, 3)
    reason = ranked[1].reasons[0]
    assert (reason.role, reason.skill, reason.required, reason.held) == (
        "Warehouse team lead",
        "stock",
        3,
        1,
    )


def test_ties_broken_by_due_date_then_effort():
    offers = [
        Offer("a", "course", "A", {"stock": 3}, effort_hours=8),
        Offer("b", "course", "B", {"stock": 3}, effort_hours=2),
        Offer("c", "course", "C", {"stock": 3}, due=date(2027, 1, 1), effort_hours=20),
    ]
    assert [r.offer.key for r in recommend([need({})], offers)] == ["c", "b", "a"]


def test_dismissed_and_useless_offers_are_left_out():
    offers = [Offer("a", "course", "A", {"stock": 3}), Offer("b", "course", "B", {"stock": 1})]
    assert [r.offer.key for r in recommend([need({"stock": 1})], offers)] == ["a"]
    assert recommend([need({})], offers, dismissed={"a", "b"}) == []


def test_current_and_target_roles_add_up():
    operative = [Requirement("stock", 2, 1)]
    offer = Offer("a", "course", "A", {"stock": 3})
    (rec,) = recommend([need({}, operative, "Operative"), need({})], [offer])
    assert {r.role for r in rec.reasons} == {"Operative", "Warehouse team lead"}
    assert rec.closes == 2.0


def test_training_needs_rank_by_total_weight_then_people():
    offers = [Offer("a", "course", "A", {"stock": 3}), Offer("b", "course", "B", {"plan": 3})]
    people = {"p1": [need({})], "p2": [need({"plan": 3})], "p3": [need({"stock": 3})]}
    needs = training_needs(people, offers)
    assert [(n.offer.key, n.people) for n in needs] == [("b", 2), ("a", 2)]
    assert needs[0].closes == 4.0 and needs[0].skills == ("plan",)


def test_career_path_steps_until_covered_and_names_what_nothing_covers():
    offers = [
        Offer("small", "course", "Small", {"plan": 3}),
        Offer("big", "course", "Big", {"plan": 3, "coach": 3}),
        Offer("extra", "course", "Extra", {"coach": 3}),
    ]
    path = career_path("Lead", {"coach": 1}, LEAD, offers)
    assert [s.offer.key for s in path.steps] == ["big"]
    assert path.uncovered == ("stock",)
    assert path.steps[-1].match_after == 80.0
    assert path.match_percent < 80.0


def test_closest_people_first():
    ranked = closest({"ann": {"plan": 3}, "bo": {}, "cy": {"plan": 3, "coach": 3}}, LEAD)
    assert [p for p, _ in ranked] == ["cy", "ann", "bo"]


SKILLS = ("stock", "plan", "coach", "forklift")
gives = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=4)
offers_strategy = st.lists(
    st.builds(
        Offer,
        key=st.text("abcdef", min_size=1, max_size=3),
        kind=st.just("course"),
        title=st.text("xyz", max_size=3),
        gives=gives,
        due=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 1, 1))),
        effort_hours=st.one_of(st.none(), st.floats(0, 100)),
    ),
    max_size=8,
    unique_by=lambda o: o.key,
)
held_strategy = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5), max_size=4)
reqs_strategy = st.lists(
    st.builds(
        Requirement,
        skill=st.sampled_from(SKILLS),
        level=st.integers(1, 5),
        weight=st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    ),
    max_size=4,
    unique_by=lambda r: r.skill,
)


@given(offers_strategy, held_strategy, reqs_strategy, st.sets(st.text("abcdef", max_size=3)))
def test_never_ranked_above_one_that_closes_strictly_more(offers, held, reqs, dismissed):
    ranked = recommend([need(held, reqs)], offers, dismissed=dismissed)
    for earlier, later in itertools.pairwise(ranked):
        assert not later.closes > earlier.closes + 1e-9
    assert not {r.offer.key for r in ranked} & dismissed
    assert all(r.closes > 0 for r in ranked)


@given(offers_strategy, held_strategy, reqs_strategy)
def test_a_path_never_lowers_the_match(offers, held, reqs):
    path = career_path("R", held, reqs, offers)
    matches = [path.match_percent, *(s.match_after for s in path.steps)]
    assert matches == sorted(matches)
    assert len({s.offer.key for s in path.steps}) == len(path.steps)


@given(
    offers_strategy,
    st.lists(st.tuples(held_strategy, reqs_strategy), min_size=1, max_size=4),
)
def test_training_needs_never_rank_an_offer_above_one_closing_strictly_more(offers, people):
    ranked = training_needs(
        {f"p{n}": [need(held, reqs)] for n, (held, reqs) in enumerate(people)}, offers
    )
    for earlier, later in itertools.pairwise(ranked):
        assert not later.closes > earlier.closes + 1e-9
    assert all(0 < n.people <= len(people) for n in ranked)
