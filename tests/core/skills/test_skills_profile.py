"""Skills profile from evidence rows: precedence, lapse, revocation, freshness (examples)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from microcred.skills import (
    Evidence,
    EvidenceKind,
    SourceState,
    Standing,
    compute_profile,
    freshness,
    held_levels,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FORKLIFT = "https://skills.example/forklift"


def row(kind: EvidenceKind, level: int, source: str, days_ago: int = 10, **extra) -> Evidence:
    return Evidence(
        skill=extra.pop("skill", FORKLIFT),
        kind=kind,
        level=level,
        source=source,
        observed_at=NOW - timedelta(days=days_ago),
        **extra,
    )


def test_a_verified_credential_outranks_a_higher_self_assessment() -> None:
    profile = compute_profile(
        [
            row(EvidenceKind.SELF_ASSESSMENT, 5, "self:1"),
            row(EvidenceKind.VERIFIED_CREDENTIAL, 2, "credential:a"),
        ],
        now=NOW,
    )
    state = profile[FORKLIFT]
    assert (state.level, state.kind, state.verified) == (2, EvidenceKind.VERIFIED_CREDENTIAL, True)


def test_precedence_order_is_the_documented_one() -> None:
    assert (
        EvidenceKind.VERIFIED_CREDENTIAL
        > EvidenceKind.ASSESSED_RESULT
        > EvidenceKind.RATING
        > EvidenceKind.PEER_ENDORSEMENT
        > EvidenceKind.SELF_ASSESSMENT
    )


def test_without_a_credential_nothing_is_verified() -> None:
    profile = compute_profile(
        [row(EvidenceKind.ASSESSED_RESULT, 3, "result:1"), row(EvidenceKind.RATING, 4, "r:1")],
        now=NOW,
    )
    assert profile[FORKLIFT].level == 3
    assert profile[FORKLIFT].verified is False


def test_the_highest_level_of_the_strongest_kind_counts() -> None:
    profile = compute_profile(
        [
            row(EvidenceKind.VERIFIED_CREDENTIAL, 2, "credential:a", 400),
            row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:b", 30),
        ],
        now=NOW,
    )
    assert profile[FORKLIFT].level == 3
    assert [e.source for e in profile[FORKLIFT].backing] == ["credential:b"]


def test_expired_credential_lapses_and_recertification_restores() -> None:
    expired = row(
        EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 800, valid_until=NOW - timedelta(1)
    )
    lapsed = compute_profile([expired], now=NOW)[FORKLIFT]
    assert lapsed.standing is Standing.LAPSED
    assert lapsed.verified is False
    assert held_levels({FORKLIFT: lapsed}) == {}
    renewed = row(
        EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:b", 2, valid_until=NOW + timedelta(700)
    )
    state = compute_profile([expired, renewed], now=NOW)[FORKLIFT]
    assert state.standing is Standing.HELD and state.verified


def test_revoked_source_is_removed_even_if_reactivated_later() -> None:
    issued = row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 20, sequence=1)
    revoked = row(
        EvidenceKind.VERIFIED_CREDENTIAL,
        3,
        "credential:a",
        5,
        sequence=2,
        state=SourceState.REVOKED,
    )
    assert compute_profile([issued, revoked], now=NOW) == {}
    again = row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 1, sequence=3)
    assert compute_profile([issued, revoked, again], now=NOW) == {}


def test_revocation_leaves_other_evidence_standing() -> None:
    rows = [
        row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 20, sequence=1),
        row(EvidenceKind.RATING, 2, "rating:1", 15, sequence=2),
        row(
            EvidenceKind.VERIFIED_CREDENTIAL,
            3,
            "credential:a",
            5,
            sequence=3,
            state=SourceState.REVOKED,
        ),
    ]
    state = compute_profile(rows, now=NOW)[FORKLIFT]
    assert (state.level, state.kind, state.verified) == (2, EvidenceKind.RATING, False)
    assert len(state.trail) == 3  # the revocation stays visible in the trail


def test_suspension_pauses_and_unsuspension_restores() -> None:
    issued = row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 20, sequence=1)
    suspended = row(
        EvidenceKind.VERIFIED_CREDENTIAL,
        3,
        "credential:a",
        10,
        sequence=2,
        state=SourceState.SUSPENDED,
    )
    assert compute_profile([issued, suspended], now=NOW) == {}
    back = row(EvidenceKind.VERIFIED_CREDENTIAL, 3, "credential:a", 5, sequence=3)
    assert compute_profile([issued, suspended, back], now=NOW)[FORKLIFT].verified


def test_freshness_halves_every_half_life_per_skill_group() -> None:
    assert freshness(NOW - timedelta(days=365), NOW, 365) == 0.5
    assert freshness(NOW + timedelta(days=3), NOW, 365) == 1.0
    rows = [
        row(EvidenceKind.VERIFIED_CREDENTIAL, 2, "c:1", 365),
        row(EvidenceKind.VERIFIED_CREDENTIAL, 2, "c:2", 365, skill="soft"),
    ]
    profile = compute_profile(rows, now=NOW, half_life_days=lambda s: 182.5 if s == "soft" else 365)
    assert profile[FORKLIFT].freshness == 0.5
    assert profile["soft"].freshness == 0.25


def test_external_only_when_every_backing_claim_is_external() -> None:
    profile = compute_profile(
        [row(EvidenceKind.VERIFIED_CREDENTIAL, 2, "imported:1", external=True)], now=NOW
    )
    assert profile[FORKLIFT].external and profile[FORKLIFT].verified
