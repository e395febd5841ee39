"""Pathways benchmark: 100,000 learners × 20 pathways recomputed after 1,000,000 events, and
one learner's pathway map rendered through the Django test client.

    .venv/bin/python -m benchmarks.pathways                   # the full size (make bench-pathways)
    .venv/bin/python -m benchmarks.pathways --learners 10000 --events 100000 --map-requests 100

Phases, each timed with ``time.perf_counter``:

1. generate — 20 pathways (required, elective, credit steps, prerequisites, a milestone) over
   200 achievements, and the events (learner, achievement earned, time): each learner mostly
   earns the items of two pathways they follow; deterministic from ``--seed``; not counted;
2. facts — the batch of events → one integer per learner, a bit per achievement held
   (``microcred.pathways.RefBits``);
3. evaluate — every learner × every pathway: each version compiled once
   (``FastPathway``), a learner holding none of a pathway's items shares one precomputed
   "not started" summary, the others are evaluated from their bits;
4. baseline — the learner's map function (``pathway_progress``: compiles the rules and explains
   every step, from a list of facts) on a sample of learners × every pathway, extrapolated;
   its states must equal the fast ones on the sample (else the run fails);
5. map — one learner's map page (``pathways:map``) through the Django test client on a fresh
   SQLite database under var/bench/: warm-up, then ``--map-requests`` timed requests, p50/p99.

The last line is ``learners/s: X`` — learners divided by the time of phases 2 and 3.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from microcred.pathways import (
    CREDIT,
    ELECTIVE,
    REQUIRED,
    FastPathway,
    Item,
    Milestone,
    Pathway,
    RefBits,
    Step,
    pathway_progress,
)
from microcred.rules import CREDENTIAL_HELD, Fact

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
POOL = 200
SYSTEM = "ECTS"
R = TypeVar("R")
Event = tuple[int, int, int]  # learner, achievement number, minutes after T0


def timed(label: str, work: Callable[[], R]) -> tuple[R, float]:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label:<52} {seconds:8.2f} s")
    return result, seconds


def ref(number: int) -> str:
    return f"achievement:a{number}"


def make_pathways(count: int, seed: int) -> list[Pathway]:
    """``count`` valid pathways, each over 12 achievements of the pool."""
    rng = random.Random(seed)
    out = []
    for p in range(count):
        numbers = rng.sample(range(POOL), 12)
        items = [Item(ref(n), f"A{n}", ((SYSTEM, float(2 + n % 3)),)) for n in numbers]
        steps = (
            Step("core", "Core", REQUIRED, tuple(items[0:2])),
            Step("options", "Options", ELECTIVE, tuple(items[2:6]), n=2),
            Step("credit", "Credit", CREDIT, tuple(items[6:9]), system=SYSTEM, target=5.0),
            Step("capstone", "Capstone", REQUIRED, (items[9],), requires=("core", "credit")),
            Step("extra", "Extra", ELECTIVE, tuple(items[10:12]), n=1, requires=("options",)),
        )
        milestone = Milestone(
            "half", "Halfway", Item(f"achievement:m{p}", f"M{p}"), ("core", "options")
        )
        out.append(Pathway(Item(f"achievement:g{p}", f"G{p}"), steps, (milestone,)))
    return out


def generate(learners: int, events: int, pathways: list[Pathway], seed: int) -> list[Event]:
    """Each learner follows two pathways: 80% of their events are items of those."""
    rng = random.Random(seed)
    numbers = [[int(item.ref.rsplit("a", 1)[1]) for item in p.items()] for p in pathways]
    follows = [
        (rng.randrange(len(pathways)), rng.randrange(len(pathways))) for _ in range(learners)
    ]
    out: list[Event] = []
    for _ in range(events):
        learner = rng.randrange(learners)
        if rng.random() < 0.8:
            number = rng.choice(numbers[rng.choice(follows[learner])])
        else:
            number = rng.randrange(POOL)
        out.append((learner, number, rng.randrange(60 * 24 * 180)))
    return out


def build_bits(events: list[Event], learners: int, bits: RefBits) -> list[int]:
    table = [bits.bit(ref(n)) for n in range(POOL)]
    held = [0] * learners
    for learner, number, _minutes in events:
        held[learner] |= table[number]
    return held


def evaluate_all(held: list[int], compiled: list[FastPathway]) -> tuple[list[int], int]:
    """Completions per pathway, and how many (learner, pathway) pairs were evaluated."""
    completed = [0] * len(compiled)
    evaluated = 0
    plans = [(p.mask, p.summary(0), p.summary) for p in compiled]
    for mask_of_learner in held:
        for position, (mask, _empty, summary) in enumerate(plans):
            if mask_of_learner & mask:
                evaluated += 1
                if summary(mask_of_learner).completed:
                    completed[position] += 1
    return completed, evaluated


def naive_states(
    events: list[Event], sample: int, pathways: list[Pathway]
) -> list[list[tuple[str, ...]]]:
    """The map function for each sampled learner × pathway, from a plain list of facts."""
    facts: list[list[Fact]] = [[] for _ in range(sample)]
    for learner, number, minutes in events:
        if learner < sample:
            facts[learner].append(
                Fact(CREDENTIAL_HELD, ref(number), T0 + timedelta(minutes=minutes))
            )
    return [
        [tuple(s.state for s in pathway_progress(p, person).steps) for p in pathways]
        for person in facts
    ]


def fast_states(held: list[int], compiled: list[FastPathway]) -> list[list[tuple[str, ...]]]:
    return [[p.summary(h).states for p in compiled] for h in held]


# ----------------------------------------------------------------------------- map page


def _django(run_dir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{run_dir / 'pathways.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "microcred_web.config.settings"
    os.environ["MICROCRED_VAR_DIR"] = str(run_dir)
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    sys.path.insert(0, str(ROOT / "src"))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files
    django.setup()


def map_setup() -> tuple[object, str]:
    """A fresh database with one learner enrolled in a published pathway (5 steps, 12
    achievements, 6 held): the signed-in test client and the map's address."""
    run_dir = ROOT / "var" / "bench" / f"pathways-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    _django(run_dir)
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from microcred_web.accounts.models import User
    from microcred_web.achievements import services as achievements
    from microcred_web.issuing.services import RecipientInput, credentials_issue
    from microcred_web.orgs import services as orgs
    from microcred_web.pathways import services as pathways

    call_command("migrate", "--noinput", verbosity=0)
    org = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    admin = User.objects.create_user("admin@bench.example", "x" * 16, display_name="Admin")
    learner = User.objects.create_user("learner@bench.example", "x" * 16, display_name="Lee")
    orgs.membership_add(organisation=org, user=admin, roles=["admin"])
    orgs.membership_add(organisation=org, user=learner, roles=["learner"])

    def achievement(name: str, credits: str = "") -> object:
        made = achievements.achievement_create(
            organisation=org,
            actor=admin,
            values={
                "name": name,
                "description": f"{name}.",
                "criteria": "Do it.",
                "achievement_type": "Badge",
                **({"credits": credits, "credit_system": SYSTEM} if credits else {}),
            },
        )
        achievements.achievement_publish(achievement=made, actor=admin)
        made.refresh_from_db()
        return made

    parts = [achievement(f"Part {i}", str(1 + i % 4)) for i in range(12)]
    goal, half = achievement("Goal"), achievement("Halfway")
    pathway = pathways.pathway_create(
        organisation=org, actor=admin, name="Bench", description="", goal=goal
    )
    add = pathways.pathway_step_add
    add(pathway=pathway, actor=admin, title="Core", kind=REQUIRED, achievements=parts[0:2])
    add(pathway=pathway, actor=admin, title="Options", kind=ELECTIVE, achievements=parts[2:6], n=2)
    add(
        pathway=pathway,
        actor=admin,
        title="Credit",
        kind=CREDIT,
        achievements=parts[6:9],
        system=SYSTEM,
        target=5,
    )
    add(
        pathway=pathway,
        actor=admin,
        title="Capstone",
        kind=REQUIRED,
        achievements=parts[9:10],
        requires=["core", "credit"],
    )
    add(
        pathway=pathway,
        actor=admin,
        title="Extra",
        kind=ELECTIVE,
        achievements=parts[10:12],
        n=1,
        requires=["options"],
    )
    pathways.pathway_milestone_add(
        pathway=pathway, actor=admin, title="Halfway", achievement=half, after=["core", "options"]
    )
    pathways.pathway_publish(pathway=pathway, actor=admin)
    pathways.pathway_enrol(pathway=pathway, user=learner)
    for part in (parts[0], parts[1], parts[2], parts[6], parts[7], parts[10]):
        credentials_issue(
            organisation=org,
            achievement_version=part.current_version,
            recipients=[RecipientInput(email=learner.email, name="Lee")],
            actor=admin,
            source="bench",
        )
    client = Client()
    client.force_login(learner)
    address = reverse("pathways:map", kwargs={"slug": org.slug, "public_id": pathway.public_id})
    return client, address


def map_latency(requests: int) -> tuple[list[float], list[float]]:
    """Milliseconds per request of one learner's map, after a warm-up: wall and CPU (the CPU
    time is what the machine's load does not inflate)."""
    from django.test import Client

    client, address = map_setup()
    assert isinstance(client, Client)
    for _ in range(20):  # warm-up: templates, translations, connections
        response = client.get(address)
        assert response.status_code == 200, response.status_code
    assert b"step-core" in response.content
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(address)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--pathways", type=int, default=20)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--sample", type=int, default=1_000, help="learners for the baseline")
    parser.add_argument("--map-requests", type=int, default=500, help="0: skip the map page")
    args = parser.parse_args(argv)
    print(
        f"pathways: {args.learners:,} learners × {args.pathways} pathways after "
        f"{args.events:,} events — Python {platform.python_version()} on {platform.machine()}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    definitions = make_pathways(args.pathways, args.seed)
    events, _ = timed(
        "generate events (not counted)",
        lambda: generate(args.learners, args.events, definitions, args.seed),
    )
    bits = RefBits()
    compiled, compile_seconds = timed(
        "compile each pathway version once", lambda: [FastPathway(p, bits) for p in definitions]
    )
    held, facts_seconds = timed(
        "facts: events → held bits per learner", lambda: build_bits(events, args.learners, bits)
    )
    (completed, evaluated), eval_seconds = timed(
        f"evaluate: {args.learners:,} × {args.pathways} pathways",
        lambda: evaluate_all(held, compiled),
    )
    pairs = args.learners * args.pathways
    print(f"  pairs with progress: {evaluated:,} of {pairs:,}; completions: {sum(completed):,}")
    sample = min(args.sample, args.learners)
    naive, naive_seconds = timed(
        f"baseline: map function, {sample:,} learners × {args.pathways}",
        lambda: naive_states(events, sample, definitions),
    )
    fast_sample, fast_seconds = timed(
        f"fast on the same {sample:,} learners (no skipping)",
        lambda: fast_states(held[:sample], compiled),
    )
    if naive != fast_sample:
        print("MISMATCH: the fast states differ from the map function's")
        return 1
    scale = args.learners / sample
    print(f"baseline all (extrapolated ×{scale:g}){'':<24}{naive_seconds * scale:8.2f} s")
    total = facts_seconds + eval_seconds
    print(f"speed-up over the baseline, whole run: ×{naive_seconds * scale / total:.0f}")
    print(f"speed-up per pair, same sample, no skipping: ×{naive_seconds / fast_seconds:.0f}")
    print(
        f"total (facts + evaluate): {total:.2f} s (target ≤ 60 s; compile {compile_seconds:.3f} s)"
    )
    if args.map_requests:
        wall, cpu = map_latency(args.map_requests)
        print(
            f"map page: {len(wall)} requests, wall p50 {percentile(wall, 0.5):.1f} ms, "
            f"p99 {percentile(wall, 0.99):.1f} ms (target ≤ 50 ms), max {max(wall):.1f} ms; "
            f"CPU p50 {percentile(cpu, 0.5):.1f} ms, p99 {percentile(cpu, 0.99):.1f} ms; "
            f"load {os.getloadavg()[0]:.2f}"
        )
    print(f"learners/s: {args.learners / total:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
