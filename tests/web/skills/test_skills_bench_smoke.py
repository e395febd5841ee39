"""The skills benchmark's code on a small organisation (the full run is `make bench-skills`):
the generated data is sound and the one-query matrix agrees with the per-person pages."""

from __future__ import annotations

from benchmarks import skills as bench

from microcred.skills.visibility import Viewer
from microcred_web.orgs import services as orgs
from microcred_web.skills import selectors
from microcred_web.skills.matrix import organisation_matrix
from microcred_web.skills.models import SkillEvidence


def test_generated_organisation_matrix_matches_the_naive_per_person_reads(db):
    organisation = orgs.organisation_create(name="Bench", slug="bench-smoke")
    users = bench.generate(organisation, people=40, skills=80, rows=400, seed=3)
    assert SkillEvidence.objects.filter(organisation=organisation).count() == 400
    matrix = organisation_matrix(organisation=organisation, reach=Viewer.SELF)
    assert len(matrix.gaps) == 40
    for user in users[:15]:
        (naive,) = bench.naive_person(organisation, user)
        assert matrix.gaps[user.pk] == naive.gap
        lines = selectors.profile_lines(organisation=organisation, user=user)
        held = {line.skill.pk: line.state.level for line in lines if line.state.held}
        assert {k: h.level for k, h in matrix.profiles[user.pk].items() if h.held} == held
    total = sum(c.holders for c in matrix.coverage.values())
    assert total == sum(len([h for h in p.values() if h.held]) for p in matrix.profiles.values())


def test_percentile_and_timing_helpers():
    assert bench.percentile([5.0, 1.0, 3.0], 0.5) == 3.0
    assert bench.percentile([1.0, 2.0], 0.99) == 2.0
    seconds, value = bench.timed(lambda: sum(range(1000)))
    assert value == 499500 and seconds >= 0 and bench.CPU[0] >= 0


def test_masked_matrix_agrees_with_the_masked_per_person_reads(db):
    """What an administrator's matrix reads (one query of visibility rows) is what the
    per-person selectors show a manager: hidden skills are not held, gaps count them missing."""
    organisation = orgs.organisation_create(name="Bench", slug="bench-masked")
    users = bench.generate(organisation, people=30, skills=60, rows=300, seed=5)
    whole = organisation_matrix(organisation=organisation, reach=Viewer.SELF)
    matrix = organisation_matrix(organisation=organisation, reach=Viewer.MANAGER)
    ids = [u.pk for u in users]
    seen = selectors.profiles_of(organisation=organisation, user_ids=ids, reach=Viewer.MANAGER)
    hidden = 0
    for uid in ids:
        expected = {k for k, s in seen[uid].items() if s.held}
        assert {k for k, h in matrix.profiles.get(uid, {}).items() if h.held} == expected
        hidden += len(whole.profiles.get(uid, {})) - len(matrix.profiles.get(uid, {}))
    assert hidden > 0  # the generator leaves some skills private
    assert sum(g.match_percent for g in matrix.gaps.values()) <= sum(
        g.match_percent for g in whole.gaps.values()
    )
