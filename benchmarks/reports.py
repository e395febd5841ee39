"""Reports benchmark: report queries over 10 million credential events, from the events (the
naive query, the baseline) and from the daily rollups (decision 0049), in the same run.

    .venv/bin/python -m benchmarks.reports        # 10,000,000 events (make bench-reports)
    .venv/bin/python -m benchmarks.reports --events 1000000

DATABASE_URL chooses the database: a PostgreSQL URL gives a fresh database named after it with
the suffix ``_reports_bench`` (the target is for PostgreSQL); unset, a fresh SQLite file under
var/bench/. Phases, each timed with ``time.perf_counter``:

1. generate — one organisation, 20 achievements, 200 issued credentials (signed), and the
   events spread over the last 365 days by one ``INSERT … SELECT`` over ``generate_series``
   (PostgreSQL) or batched inserts (SQLite); not counted;
2. baseline — each report of ``REPORTS`` read from the events (``report_run(rollups=False)``);
3. rollup — the last 366 days rebuilt (``rollups_refresh``; the daily job rebuilds two);
4. reports — the same reports from the rollups: the median of 5 runs each, and the same
   table as the baseline (else the run fails).

The last line is ``slowest report from rollups s: X`` (target ≤ 1 s on PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
REPORTS = (
    {"measure": "viewed", "dimensions": ["month"]},
    {"measure": "shared", "dimensions": ["achievement", "channel"]},
    {"measure": "verified", "dimensions": ["week"]},
)
KINDS = ("view", "view", "view", "view", "share", "download", "linkedin", "verify")
CHANNELS = ("", "linkedin", "email", "copy")


def _environment(run_dir: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, name = url.rsplit("/", 1)
        bench = f"{name or 'microcred'}_reports_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{bench}"')
        os.environ["DATABASE_URL"] = f"{base}/{bench}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{run_dir / 'reports.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "microcred_web.config.settings"
    os.environ["MICROCRED_VAR_DIR"] = str(run_dir)
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")


def _generate(events: int) -> Any:
    from django.db import connection

    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services as issuing
    from microcred_web.issuing.signing import signing_key_for
    from microcred_web.orgs import services as orgs

    organisation = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    signing_key_for(organisation=organisation)
    credential_ids: list[int] = []
    for number in range(20):
        achievement = achievements.achievement_create(
            organisation=organisation,
            actor=None,
            values={
                "name": f"Achievement {number:02d}",
                "description": "Benchmark.",
                "criteria": "Passed.",
                "achievement_type": "Badge",
            },
        )
        version = achievements.achievement_publish(achievement=achievement, actor=None)
        issued = issuing.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[
                issuing.RecipientInput(email=f"p{number}-{i}@bench.example", name="P")
                for i in range(10)
            ],
            actor=None,
            source="api",
            deliver=False,
        )
        credential_ids += [credential.pk for credential in issued]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO analytics_credentialevent
                    (kind, credential_id, organisation_id, channel, result,
                     viewer_organisation_id, visitor_hash, created_at)
                SELECT (%s::text[])[1 + i %% 8], (%s::bigint[])[1 + (i::bigint * 7919) %% %s], %s,
                       CASE WHEN i %% 8 = 4 THEN (%s::text[])[1 + i %% 4] ELSE '' END,
                       CASE WHEN i %% 8 = 7 THEN 'valid' ELSE '' END,
                       NULL, '',
                       now() - (i %% 365) * interval '1 day' - (i %% 86400) * interval '1 second'
                FROM generate_series(1, %s) AS i
                """,
                [
                    list(KINDS),
                    credential_ids,
                    len(credential_ids),
                    organisation.pk,
                    list(CHANNELS),
                    events,
                ],
            )
            cursor.execute("ANALYZE analytics_credentialevent")
        else:
            from datetime import timedelta

            from django.utils import timezone

            now = timezone.now()
            batch: list[Any] = []
            sql = (
                "INSERT INTO analytics_credentialevent (kind, credential_id, organisation_id, "
                "channel, result, viewer_organisation_id, visitor_hash, created_at) VALUES "
            )
            for i in range(1, events + 1):
                kind = KINDS[i % 8]
                batch.append(
                    (
                        kind,
                        credential_ids[(i * 7919) % len(credential_ids)],
                        organisation.pk,
                        CHANNELS[i % 4] if i % 8 == 4 else "",
                        "valid" if i % 8 == 7 else "",
                        None,
                        "",
                        (now - timedelta(days=i % 365, seconds=i % 86400)).isoformat(),
                    )
                )
                if len(batch) == 1000 or i == events:
                    cursor.execute(
                        sql + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch)),
                        [value for row in batch for value in row],
                    )
                    batch = []
    return organisation


def _timed(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    run_dir = ROOT / "var" / "bench" / f"reports-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    _environment(run_dir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from microcred_web.reports.measures import report_spec_parse
    from microcred_web.reports.rollups import rollups_refresh
    from microcred_web.reports.selectors import report_run

    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"database: {database}  events: {args.events:,}  load: {os.getloadavg()[0]:.1f}")
    call_command("migrate", "--noinput", verbosity=0)
    seconds, organisation = _timed(lambda: _generate(args.events))
    print(f"generate: {seconds:.1f} s (not counted)")
    today = timezone.localdate()
    specs = [
        report_spec_parse(
            {
                **choices,
                "start": (today - timedelta_days(364)).isoformat(),
                "end": (today - timedelta_days(1)).isoformat(),
            }
        )
        for choices in REPORTS
    ]
    baseline: list[tuple[float, Any]] = []
    for spec in specs:
        seconds, result = _timed(
            lambda spec=spec: report_run(spec=spec, organisation=organisation, rollups=False)
        )
        assert result.source == "live"
        baseline.append((seconds, result))
        print(f"baseline {spec.measure} by {'+'.join(spec.dimensions)}: {seconds:.2f} s")
    seconds, rows = _timed(lambda: rollups_refresh(days=366))
    print(f"rollup: 366 days rebuilt in {seconds:.1f} s ({rows:,} rows)")
    slowest = 0.0
    failed = False
    for spec, (naive, expected) in zip(specs, baseline, strict=True):
        runs = []
        for _run in range(5):
            seconds, result = _timed(
                lambda spec=spec: report_run(spec=spec, organisation=organisation)
            )
            runs.append(seconds)
        median = statistics.median(runs)
        same = sorted((r.labels, r.value) for r in result.rows) == sorted(
            (r.labels, r.value) for r in expected.rows
        )
        failed |= not same or result.source != "rollup"
        slowest = max(slowest, median)
        print(
            f"rollups {spec.measure} by {'+'.join(spec.dimensions)}: {median * 1000:.1f} ms "
            f"(x{naive / median:.0f} faster than the baseline; same table: {same})"
        )
    if database.startswith("postgres") and slowest > TARGET_SECONDS:
        print(f"slower than the target of {TARGET_SECONDS} s")
        failed = True
    print(f"slowest report from rollups s: {slowest:.3f}")
    return 1 if failed else 0


def timedelta_days(days: int) -> Any:
    from datetime import timedelta

    return timedelta(days=days)


if __name__ == "__main__":
    sys.exit(main())
