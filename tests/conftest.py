from __future__ import annotations

from hypothesis import HealthCheck, settings

# Deterministic in CI (a failing example reproduces), no per-example deadlines: speed is
# measured in benchmarks/, never asserted in tests.
settings.register_profile(
    "microcred",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("microcred")
