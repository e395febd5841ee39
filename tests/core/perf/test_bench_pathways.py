"""Smoke test of the pathways benchmark's code (the full run is ``make bench-pathways``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from benchmarks import pathways as bench


def test_a_small_run_agrees_with_the_map_function_and_ends_with_the_rate(capsys) -> None:
    assert (
        bench.main(
            ["--learners", "300", "--events", "3000", "--sample", "50", "--map-requests", "0"]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("learners/s: ")
    assert not any("MISMATCH" in line for line in lines)


def test_the_generated_pathways_are_valid_and_the_baseline_matches_the_fast_states() -> None:
    definitions = bench.make_pathways(3, seed=1)
    events = bench.generate(40, 400, definitions, seed=2)
    bits = bench.RefBits()
    compiled = [bench.FastPathway(p, bits) for p in definitions]
    held = bench.build_bits(events, 40, bits)
    assert bench.naive_states(events, 40, definitions) == bench.fast_states(held, compiled)
    completed, evaluated = bench.evaluate_all(held, compiled)
    assert 0 < evaluated <= 120 and len(completed) == 3


@pytest.mark.parametrize(("share", "expected"), [(0.5, 3.0), (0.99, 5.0)])
def test_percentile(share: float, expected: float) -> None:
    assert bench.percentile([1.0, 2.0, 3.0, 4.0, 5.0], share) == expected
