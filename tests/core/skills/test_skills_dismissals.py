"""Dismissal reasons feed the ranking (issue 17 item 6): the order changes accordingly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills import Requirement, role_gap
from microcred.skills.recommend import Dismissal, Offer, RoleNeed, recommend

LEAD = [Requirement("stock", 3, 2), Requirement("plan", 3, 2), Requirement("coach", 3, 1)]
NEEDS = [RoleNeed("Team lead", role_gap({}, LEAD))]
STOCK_A = Offer("course:1", "course", "Stock control basics", {"stock": 3}, effort_hours=2)
STOCK_B = Offer("course:2", "course", "Stock audits", {"stock": 3}, effort_hours=3)
PLAN = Offer("course:3", "course", "Shift planning", {"plan": 2}, effort_hours=1)
COACH = Offer("course:4", "course", "Coaching", {"coach": 3}, effort_hours=30)
LONG = Offer("course:5", "course", "Leadership", {"plan": 3, "coach": 3}, effort_hours=40)


def keys(ranked):
    return [r.offer.key for r in ranked]


def test_without_dismissals_the_gap_weight_decides():
    ranked = recommend(NEEDS, [STOCK_B, PLAN, COACH])
    assert keys(ranked) == ["course:2", "course:3", "course:4"]


def test_already_know_it_lowers_offers_on_the_same_skills():
    have_it = Dismissal("course:1", "have_it", STOCK_A.gives, STOCK_A.effort_hours)
    before = recommend(NEEDS, [STOCK_A, STOCK_B, PLAN])
    after = recommend(NEEDS, [STOCK_A, STOCK_B, PLAN], dismissals=[have_it])
    assert keys(before) == ["course:1", "course:2", "course:3"]
    assert keys(after) == ["course:3", "course:2"]  # the dismissed one left, stock lowered
    stock = after[1]
    assert stock.closes == 2.0 and stock.rank_score == 1.0 and stock.lowered_by == ("have_it",)


def test_not_relevant_lowers_less_and_other_changes_nothing():
    not_relevant = Dismissal("course:1", "not_relevant", STOCK_A.gives)
    after = recommend(NEEDS, [STOCK_A, STOCK_B, PLAN], dismissals=[not_relevant])
    assert after[0].offer.key == "course:2" and round(after[0].rank_score, 3) == 1.4
    assert keys(after) == ["course:2", "course:3"]
    other = Dismissal("course:1", "other", STOCK_A.gives)
    assert keys(recommend(NEEDS, [STOCK_A, STOCK_B, PLAN], dismissals=[other])) == [
        "course:2",
        "course:3",
    ]
    assert recommend(NEEDS, [STOCK_B], dismissals=[other])[0].lowered_by == ()


def test_too_long_lowers_offers_at_least_as_long():
    offers = [LONG, PLAN, STOCK_B]
    assert keys(recommend(NEEDS, offers)) == ["course:5", "course:2", "course:3"]
    too_long = Dismissal("course:4", "no_time", COACH.gives, COACH.effort_hours)
    after = recommend(NEEDS, offers, dismissals=[too_long])
    assert keys(after) == ["course:2", "course:5", "course:3"]  # 3 × 0.5 < 2
    assert after[1].lowered_by == ("no_time",) and after[1].closes == 3.0


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["stock", "plan", "coach"]),
            st.integers(1, 3),
            st.sampled_from(["have_it", "not_relevant", "no_time", "other"]),
        ),
        max_size=4,
    )
)
def test_dismissals_only_lower_and_never_show_the_dismissed(rows):
    offers = [STOCK_A, STOCK_B, PLAN, COACH, LONG]
    dismissals = [
        Dismissal(f"x:{n}", why, {skill: level}, float(level * 10))
        for n, (skill, level, why) in enumerate(rows)
    ]
    dismissals.append(Dismissal("course:1", "other"))
    ranked = recommend(NEEDS, offers, dismissals=dismissals)
    assert "course:1" not in keys(ranked)
    assert all(0 < r.rank_score <= r.closes for r in ranked)
    scores = [r.rank_score for r in ranked]
    assert scores == sorted(scores, reverse=True)
