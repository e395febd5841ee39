"""Bulk issuance end to end: CSV → check → credentials_issue in chunks, by parallel workers.

    python -m benchmarks.issue --n 300000 [--workers 2] [--chunk 1000]

DATABASE_URL chooses the database: unset, a fresh SQLite file under var/bench/; a PostgreSQL
URL, a fresh database named after it with the suffix ``_issue_bench`` (dropped and created
again; the database in the URL itself is not touched). Prints where the time went and, as its
last line, ``credentials/s: X`` (valid rows issued / (check + issue) wall time). No e-mail.
The wall times depend on what else the machine runs: the CPU seconds of the workers (and of
their PostgreSQL backends, when the server is local) and the load average are printed too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _environment(run_dir: Path) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, name = url.rsplit("/", 1)
        bench = f"{name or 'microcred'}_issue_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')  # type: ignore[arg-type]
            connection.execute(f'CREATE DATABASE "{bench}"')  # type: ignore[arg-type]
        os.environ["DATABASE_URL"] = f"{base}/{bench}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{run_dir / 'issue.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "microcred_web.config.settings"
    os.environ["MICROCRED_VAR_DIR"] = str(run_dir)
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")


def _worker(job_id: int, queue: Any) -> None:
    """One worker process: issue chunks until none is left; report its time split."""
    import django

    django.setup()
    from microcred.suites import eddsa_rdfc_2022
    from microcred_web.bulk.services import bulk_job_work

    signing = [0.0, 0.0]  # wall, CPU

    def timed(original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                signing[0] += time.perf_counter() - started
                signing[1] += time.process_time() - cpu

        return wrapper

    # the pipeline signs a batch with sign_many (sign only to find a refused row)
    eddsa_rdfc_2022.sign = timed(eddsa_rdfc_2022.sign)  # type: ignore[method-assign]
    eddsa_rdfc_2022.sign_many = timed(eddsa_rdfc_2022.sign_many)  # type: ignore[method-assign]
    server = _server_cpu_reader()
    server_before = server()
    started, cpu = time.perf_counter(), time.process_time()
    chunks = bulk_job_work(job_id=job_id, poll_seconds=0.05)
    queue.put(
        {
            "chunks": chunks,
            "signing": signing[0],
            "signing_cpu": signing[1],
            "busy": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "server_cpu": server() - server_before,
        }
    )


def _server_cpu_reader() -> Any:
    """CPU seconds of this connection's PostgreSQL backend, if it runs on this machine
    (read from /proc); 0 for SQLite, whose work is in the worker's own CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000, help="rows in the CSV")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chunk", type=int, default=1000, help="rows per chunk")
    args = parser.parse_args(argv)

    run_dir = ROOT / "var" / "bench" / f"issue-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run_dir.mkdir(parents=True)
    _environment(run_dir)
    os.environ["MICROCRED_BULK_CHUNK_ROWS"] = str(args.chunk)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from microcred_web.achievements import services as achievements
    from microcred_web.bulk import services as bulk
    from microcred_web.issuing.models import Credential
    from microcred_web.issuing.signing import signing_key_for
    from microcred_web.orgs import services as orgs

    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    load_before = os.getloadavg()[0]
    print(f"database: {database}  rows: {args.n}  workers: {args.workers}  chunk: {args.chunk}")
    call_command("migrate", "--noinput", verbosity=0)
    organisation = orgs.organisation_create(name="Benchmark Logistics", slug="bench")
    signing_key_for(organisation=organisation)  # the issuer key
    achievement = achievements.achievement_create(
        organisation=organisation,
        actor=None,
        values={
            "name": "Forklift Operation",
            "description": "Operates forklifts safely.",
            "criteria": "Passed the practical assessment.",
        },
    )
    version = achievements.achievement_publish(achievement=achievement, actor=None)

    csv_path = run_dir / "recipients.csv"
    started = time.perf_counter()
    with csv_path.open("w", encoding="utf-8") as handle:
        handle.write("E-mail,Name,Score\n")
        for number in range(args.n):
            handle.write(f"learner{number}@example.com,Learner Ñúmero {number},{number % 100}\n")
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    with csv_path.open("rb") as source:
        job = bulk.bulk_upload_create(
            organisation=organisation,
            achievement_version=version,
            source=source,
            original_name="recipients.csv",
            actor=None,
            deliver=False,
        )
    bulk.bulk_preview(job=job, mapping=job.mapping, actor=None)
    job.refresh_from_db()
    validation_s = time.perf_counter() - started
    assert job.valid_count == args.n, (job.valid_count, args.n)
    bulk.bulk_job_start(job=job, actor=None)

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    started = time.perf_counter()
    processes = [context.Process(target=_worker, args=(job.pk, queue)) for _ in range(args.workers)]
    for process in processes:
        process.start()
    reports = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    issue_s = time.perf_counter() - started

    load_after = os.getloadavg()[0]
    job.refresh_from_db()
    issued = Credential.objects.filter(organisation=organisation).count()
    assert job.state == "done" and issued == args.n, (job.state, issued)
    signing_s = sum(r["signing"] for r in reports)
    busy_s = sum(r["busy"] for r in reports)
    cpu_s = sum(r["cpu"] for r in reports)
    signing_cpu_s = sum(r["signing_cpu"] for r in reports)
    server_cpu_s = sum(r["server_cpu"] for r in reports)
    print(f"generate CSV s:   {generate_s:8.2f}  ({csv_path.stat().st_size / 1e6:.1f} MB)")
    print(f"validation s:     {validation_s:8.2f}  (upload, encoding, mapping, every row checked)")
    print(f"signing s:        {signing_s:8.2f}  (wall, summed over {args.workers} workers)")
    print(
        f"database s:       {busy_s - signing_s:8.2f}  (worker wall time not signing: rows read, "
        "documents built, allocation, inserts, locks, waits for the CPU)"
    )
    print(
        f"worker CPU s:     {cpu_s:8.2f}  (signing {signing_cpu_s:.2f}, the rest "
        f"{cpu_s - signing_cpu_s:.2f}; summed over {args.workers} workers)"
    )
    if database == "postgres":
        print(f"server CPU s:     {server_cpu_s:8.2f}  (the workers' PostgreSQL backends)")
    print(f"load average:     {load_before:8.2f} at start, {load_after:.2f} at end (1 min)")
    print(
        f"issue wall s:     {issue_s:8.2f}  ({job.chunk_count} chunks: "
        + ", ".join(str(r["chunks"]) for r in reports)
        + " per worker)"
    )
    print(f"total wall s:     {validation_s + issue_s:8.2f}")
    print(f"credentials/s: {args.n / (validation_s + issue_s):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
