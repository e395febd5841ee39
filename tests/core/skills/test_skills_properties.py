"""Properties of the profile, the gap maths and scale mapping (Hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from microcred.skills import (
    Evidence,
    EvidenceKind,
    Level,
    Requirement,
    Scale,
    SourceState,
    compute_profile,
    held_levels,
    map_level,
    role_gap,
)
from microcred.skills.scales import map_score, proposed_table, table_problems

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SKILLS = ("a", "b", "c")

rows = st.builds(
    Evidence,
    skill=st.sampled_from(SKILLS),
    kind=st.sampled_from(list(EvidenceKind)),
    level=st.integers(1, 5),
    source=st.sampled_from([f"s{n}" for n in range(6)]),
    observed_at=st.integers(0, 2000).map(lambda d: NOW - timedelta(days=d)),
    sequence=st.integers(0, 50),
    state=st.sampled_from(list(SourceState)),
    valid_until=st.one_of(st.none(), st.integers(-500, 500).map(lambda d: NOW + timedelta(days=d))),
)
#: new claims from sources never seen before (more evidence, not a change of an old source)
fresh_claims = st.builds(
    Evidence,
    skill=st.sampled_from(SKILLS),
    kind=st.sampled_from(list(EvidenceKind)),
    level=st.integers(1, 5),
    source=st.integers(0, 10**6).map(lambda n: f"new:{n}"),
    observed_at=st.integers(0, 2000).map(lambda d: NOW - timedelta(days=d)),
    state=st.just(SourceState.ACTIVE),
    valid_until=st.one_of(st.none(), st.integers(-500, 500).map(lambda d: NOW + timedelta(d))),
)


@given(st.lists(rows, max_size=20), st.lists(fresh_claims, max_size=8))
def test_more_evidence_never_lowers_a_verified_level(base, extra) -> None:
    before = compute_profile(base, now=NOW)
    after = compute_profile([*base, *extra], now=NOW)
    for skill, state in before.items():
        if state.verified:
            assert after[skill].verified
            assert after[skill].level >= state.level


@given(st.lists(rows, max_size=20))
def test_a_revoked_source_backs_nothing(evidence) -> None:
    revoked = {(e.source, e.skill) for e in evidence if e.state is SourceState.REVOKED}
    for state in compute_profile(evidence, now=NOW).values():
        assert all((e.source, e.skill) not in revoked for e in state.backing)


@given(st.lists(rows, max_size=20))
def test_verified_means_a_live_credential_backs_it(evidence) -> None:
    for state in compute_profile(evidence, now=NOW).values():
        assert state.verified == (
            state.held and all(e.kind is EvidenceKind.VERIFIED_CREDENTIAL for e in state.backing)
        )
        if state.held:
            assert all(e.valid_until is None or e.valid_until > NOW for e in state.backing)


@given(st.lists(rows, max_size=20))
def test_the_profile_does_not_depend_on_row_order(evidence) -> None:
    assert held_levels(compute_profile(evidence, now=NOW)) == held_levels(
        compute_profile(list(reversed(evidence)), now=NOW)
    )


requirements = st.lists(
    st.builds(
        Requirement,
        skill=st.sampled_from(SKILLS),
        level=st.integers(1, 5),
        weight=st.floats(0.1, 10),
    ),
    max_size=3,
    unique_by=lambda r: r.skill,
)
holdings = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5))


@given(holdings, requirements, st.sampled_from(SKILLS), st.integers(1, 5))
def test_raising_a_level_never_lowers_the_match(held, needed, skill, raise_by) -> None:
    before = role_gap(held, needed)
    after = role_gap({**held, skill: held.get(skill, 0) + raise_by}, needed)
    assert 0 <= before.match_percent <= 100
    assert after.match_percent >= before.match_percent
    assert after.gap_weight <= before.gap_weight + 1e-9


@given(requirements)
def test_meeting_every_requirement_is_a_full_match(needed) -> None:
    gap = role_gap({r.skill: r.level for r in needed}, needed)
    assert gap.match_percent == 100.0 and gap.gap_weight == 0 and not gap.missing


scales = st.lists(st.integers(1, 12), min_size=1, max_size=8, unique=True).map(
    lambda values: Scale("s", tuple(Level(v, str(v)) for v in sorted(values)))
)


@given(scales, scales)
def test_mapping_keeps_order_and_ends(source, target) -> None:
    mapped = [map_level(level.value, source, target) for level in source.levels]
    assert mapped == sorted(mapped)
    assert all(value in {level.value for level in target.levels} for value in mapped)
    if len(source.levels) > 1:
        assert mapped[0] == target.lowest and mapped[-1] == target.highest


@given(scales, scales)
def test_the_proposed_table_is_a_usable_mapping(source, target) -> None:
    table = proposed_table(source, target)
    assert table_problems(table, source, target) == []
    assert [table[level.value] for level in source.levels] == [
        map_level(level.value, source, target, table) for level in source.levels
    ]


@given(scales, scales, st.data())
def test_an_accepted_table_never_maps_a_higher_level_lower(source, target, data) -> None:
    choices = [level.value for level in target.levels]
    table = {level.value: data.draw(st.sampled_from(choices)) for level in source.levels}
    mapped = [map_level(level.value, source, target, table) for level in source.levels]
    if table_problems(table, source, target):
        assert mapped != sorted(mapped)
    else:
        assert mapped == sorted(mapped)


@given(
    scales,
    st.decimals(-1000, 1000, places=2),
    st.decimals(Decimal("0.01"), 1000, places=2),
    st.decimals(0, 1, places=3),
    st.decimals(0, 1, places=3),
)
def test_scores_map_monotonically_with_endpoints_to_endpoints(
    target, minimum, width, first, second
) -> None:
    maximum = minimum + width
    low, high = sorted((minimum + first * width, minimum + second * width))
    assert map_score(low, minimum, maximum, target) <= map_score(high, minimum, maximum, target)
    assert map_score(minimum, minimum, maximum, target) == target.lowest
    assert map_score(maximum, minimum, maximum, target) == target.highest
