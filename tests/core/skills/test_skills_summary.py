"""The matrix fast path gives the same standing, level and marks as the full profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills import Evidence, EvidenceKind, SourceState, compute_profile
from microcred.skills.summary import Holding, summarise

NOW = datetime(2026, 6, 1, tzinfo=UTC)

rows = st.builds(
    Evidence,
    skill=st.sampled_from(["a", "b", "c"]),
    kind=st.sampled_from(list(EvidenceKind)),
    level=st.integers(1, 5),
    source=st.sampled_from([f"s{n}" for n in range(5)]),
    observed_at=st.integers(0, 900).map(lambda d: NOW - timedelta(days=d)),
    sequence=st.integers(0, 30),
    state=st.sampled_from(list(SourceState)),
    valid_until=st.one_of(st.none(), st.integers(-300, 300).map(lambda d: NOW + timedelta(d))),
    external=st.booleans(),
)


def as_row(e: Evidence):
    return (
        e.skill, e.kind.value, e.level, e.source, e.observed_at, e.sequence, str(e.state),
        e.valid_until, e.external,
    )  # fmt: skip


@given(st.lists(rows, max_size=25))
def test_summary_matches_the_full_profile(evidence) -> None:
    full = compute_profile(evidence, now=NOW)
    fast = summarise([as_row(e) for e in evidence], now=NOW)
    assert fast == {
        skill: Holding(state.level, state.held, state.verified, state.external)
        for skill, state in full.items()
    }


def test_revoked_lapsed_and_suspended():
    day = timedelta(days=1)
    rows = [
        ("a", 5, 3, "c1", NOW - day, 1, "active", None, False),
        ("a", 5, 3, "c1", NOW, 2, "revoked", None, False),
        ("b", 5, 4, "c2", NOW - day, 3, "active", NOW - day, True),
        ("c", 5, 2, "c3", NOW - day, 4, "suspended", None, False),
        ("c", 1, 5, "self", NOW - day, 5, "active", None, False),
    ]
    assert summarise(rows, now=NOW) == {
        "b": Holding(4, held=False, verified=False, external=True),
        "c": Holding(5, held=True, verified=False, external=False),
    }
